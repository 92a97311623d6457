import { io } from '@tensorflow/tfjs-core';
import { LoadError, messageOf } from '../../../shared/errors.js';
import type { ProgressSink } from '../../../shared/protocol.js';
import { sendableBuffer } from '../../../shared/transfer.js';
import type { LoadProgress } from '../../../shared/types.js';
import type { EngineSetup } from '../engine.js';
import { afterBadCopy } from '../../delivery/fetch-file.js';

export type ModelJson = io.ModelJSON;

/** model.json's text as an object, or a LoadError that says what the file is instead. */
export function parseModelJson(bytes: Uint8Array, source: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new LoadError(`TF.js model ${source} is not valid JSON: ${messageOf(cause)}`, { source, cause });
  }
  const topology = (json as Partial<ModelJson> | null)?.modelTopology;
  if (typeof topology !== 'object' || topology === null) {
    throw new LoadError(`TF.js model ${source} has no modelTopology: it is not a TF.js model.json`, { source });
  }
  return json as ModelJson;
}

type FetchFile = EngineSetup['fetchFile'];
type Group = io.WeightsManifestConfig[number];

// Bytes per element as stored in a shard: a quantized weight is stored in its quantized dtype.
const storedBytes: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** The bytes a group's shards must hold together, or undefined when it cannot be known (strings). */
function groupBytes(group: Group): number | undefined {
  let sum = 0;
  for (const weight of group.weights) {
    const size = storedBytes[weight.quantization?.dtype ?? weight.dtype];
    if (size === undefined) return undefined;
    sum += weight.shape.reduce((n, dim) => n * dim, 1) * size;
  }
  return sum;
}

/**
 * Why the shards' sizes do not fit the manifest, naming the shard at fault. The converter fills every
 * shard of a group to one size but the last, so the shard that differs is the one to blame.
 */
function sizeProblem(
  sizes: number[],
  urls: string[],
  expected: number | undefined,
  source: string,
): LoadError | undefined {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (expected === undefined || total === expected) return undefined;
  const full = Math.max(...sizes);
  const wanted = sizes.map((_, i) => (i < sizes.length - 1 ? full : expected - full * (sizes.length - 1)));
  const culprit = wanted.every((n) => n > 0) ? sizes.findIndex((size, i) => size !== wanted[i]) : -1;
  const url = urls[culprit] ?? urls.join(', ');
  const part =
    culprit >= 0
      ? `has ${sizes[culprit]} bytes where the manifest's weights need ${wanted[culprit]}`
      : `hold ${total} bytes`;
  return new LoadError(
    `TF.js weight shard ${url} of model ${source} ${part} (the group's weights need ${expected} bytes, its ` +
      `${sizes.length} shard(s) hold ${total}): a truncated or wrong file`,
    { source: urls[culprit] ?? urls[0] ?? source },
  );
}

/** Fetches one manifest group's shards and checks their sizes; caches them only when they fit. */
async function fetchGroup(
  group: Group,
  source: string,
  fetchFile: FetchFile,
  sinkFor: (path: string) => ProgressSink,
): Promise<Uint8Array[]> {
  const urls = group.paths.map((path) => new URL(path, source).href);
  const expected = groupBytes(group);
  let fetched = await Promise.all(urls.map((url, i) => fetchFile(url, sinkFor(group.paths[i] as string))));
  let problem = sizeProblem(
    fetched.map((file) => file.bytes.byteLength),
    urls,
    expected,
    source,
  );
  if (problem !== undefined && fetched.some((file) => file.cached)) {
    // A cached shard of the wrong size is evicted and fetched again, once.
    const why = problem.message;
    await Promise.all(fetched.map((file) => file.evict()));
    try {
      fetched = await Promise.all(
        fetched.map((file, i) =>
          file.cached ? fetchFile(urls[i] as string, sinkFor(group.paths[i] as string), true) : file,
        ),
      );
    } catch (error) {
      throw afterBadCopy(error, urls.join(', '), why);
    }
    problem = sizeProblem(
      fetched.map((file) => file.bytes.byteLength),
      urls,
      expected,
      source,
    );
    if (problem !== undefined) throw afterBadCopy(problem, urls.join(', '), why);
  }
  if (problem !== undefined) throw problem;
  await Promise.all(fetched.map((file) => file.commit()));
  return fetched.map((file) => file.bytes);
}

/** Downloads every shard the manifest lists, resolved against model.json's URL, in parallel. */
async function fetchShards(
  json: ModelJson,
  source: string,
  fetchFile: FetchFile,
  onProgress: ProgressSink,
): Promise<ArrayBuffer[]> {
  const groups = json.weightsManifest ?? [];
  const paths = groups.flatMap((group) => group.paths);
  const seen = new Map<string, LoadProgress>();
  // One progress for all shards: the sum of what each reported, with a total once every shard has one.
  const report = (phase: 'download' | 'cache') => {
    const all = paths.map((path) => seen.get(path));
    const loaded = all.reduce((sum, p) => sum + (p !== undefined && 'loaded' in p ? p.loaded : 0), 0);
    const totals = all.map((p) => (p !== undefined && 'total' in p ? p.total : undefined));
    const total = totals.every((size) => size !== undefined)
      ? totals.reduce<number>((a, b) => a + (b ?? 0), 0)
      : undefined;
    onProgress(phase === 'cache' ? { phase, loaded, total: total ?? loaded } : { phase, loaded, total });
  };
  const sinkFor =
    (path: string): ProgressSink =>
    (progress) => {
      if (progress.phase !== 'download' && progress.phase !== 'cache') return;
      seen.set(path, progress);
      report(progress.phase);
    };
  const shards = await Promise.all(groups.map((group) => fetchGroup(group, source, fetchFile, sinkFor)));
  return shards.flat().map(sendableBuffer); // whole-buffer views in the common case: no copy
}

/**
 * model.json plus its weights as tf.io artifacts. Weights given in memory are used as they are;
 * otherwise they are fetched next to the model URL. Bytes without weights work only for a model
 * without any.
 */
export async function modelArtifacts(
  json: ModelJson,
  source: string,
  weights: ArrayBuffer[] | undefined,
  fetchFile: FetchFile,
  onProgress: ProgressSink,
): Promise<io.ModelArtifacts> {
  const fromUrl = /^https?:/.test(source);
  return io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    if (weights !== undefined) return [specs, weights];
    if (specs.length === 0) return [specs, []];
    if (!fromUrl) {
      throw new LoadError(
        `TF.js model ${source} lists ${specs.length} weights, but a model.json given as bytes cannot fetch ` +
          `them; pass { modelJson, weights } instead`,
        { source },
      );
    }
    return [specs, await fetchShards(json, source, fetchFile, onProgress)];
  });
}
