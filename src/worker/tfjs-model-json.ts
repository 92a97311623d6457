import { io } from '@tensorflow/tfjs-core';
import { LoadError } from '../errors.js';
import type { ProgressSink } from '../protocol.js';
import { sendableBuffer } from '../tensor.js';
import type { LoadProgress } from '../types.js';

export type ModelJson = io.ModelJSON;

/** model.json's text as an object, or a LoadError that says what the file is instead. */
export function parseModelJson(bytes: Uint8Array, source: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new LoadError(`TF.js model ${source} is not valid JSON: ${String(cause)}`, { source, cause });
  }
  const topology = (json as Partial<ModelJson> | null)?.modelTopology;
  if (typeof topology !== 'object' || topology === null) {
    throw new LoadError(`TF.js model ${source} has no modelTopology: it is not a TF.js model.json`, { source });
  }
  return json as ModelJson;
}

type FetchFile = (url: string, onProgress: ProgressSink) => Promise<Uint8Array>;

/** Downloads every shard the manifest lists, resolved against model.json's URL, in parallel. */
async function fetchShards(json: ModelJson, source: string, fetchFile: FetchFile, onProgress: ProgressSink): Promise<ArrayBuffer[]> {
  const paths = (json.weightsManifest ?? []).flatMap((group) => group.paths);
  const seen = paths.map((): LoadProgress | undefined => undefined);
  // One progress for all shards: the sum of what each reported, with a total once every shard has one.
  const report = (phase: 'download' | 'cache') => {
    const loaded = seen.reduce((sum, p) => sum + (p !== undefined && 'loaded' in p ? p.loaded : 0), 0);
    const totals = seen.map((p) => (p !== undefined && 'total' in p ? p.total : undefined));
    const total = totals.every((size) => size !== undefined) ? totals.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined;
    onProgress(phase === 'cache' ? { phase, loaded, total: total ?? loaded } : { phase, loaded, total });
  };
  const shards = paths.map(async (path, i) => {
    const bytes = await fetchFile(new URL(path, source).href, (progress) => {
      if (progress.phase !== 'download' && progress.phase !== 'cache') return;
      seen[i] = progress;
      report(progress.phase);
    });
    return sendableBuffer(bytes); // a whole-buffer view in the common case: no copy
  });
  return Promise.all(shards);
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
        `TF.js model ${source} lists ${specs.length} weights, but a model.json given as bytes cannot fetch them; pass { modelJson, weights } instead`,
        { source },
      );
    }
    return [specs, await fetchShards(json, source, fetchFile, onProgress)];
  });
}
