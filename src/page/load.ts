import { proxy, transfer } from 'comlink';
import { abortedError, cancellable } from './cancellation.js';
import { InputError, WorkerCrashedError } from '../shared/errors.js';
import { scriptBaseUrl } from './bundle-url.js';
import { requestPersistence } from './cache.js';
import { integrityByUrl } from './integrity-option.js';
import { batchSettings, checkDeterministic, checkLoadOptions, resolveBaseUrl } from './load-options.js';
import { hasUserinfo, redactSecrets } from '../shared/redact.js';
import { type DecideWorkers, Model } from './model.js';
import { sendableBuffer } from '../shared/transfer.js';
import type { LoadRequest, ModelBytesOrUrl, ProbeRequest, ProgressSink, WarningSink } from '../shared/protocol.js';
import { artifactsFromHandler, describeTfjsArtifacts, isTfjsArtifacts, isTfjsLoadHandler } from './tfjs-artifacts.js';
import type { BackendChange, DtypeMap, DtypesOf, EngineKind, LoadOptions, ModelSource } from '../shared/types.js';
import { autoWorkers } from './auto-workers.js';
import { Replica, type Placement } from './replica.js';
import { viaWorker, type WorkerClient } from './worker-client.js';
import { poolFor, poolSettings, type WorkerPool } from './worker-pool.js';

let nextLoadId = 1;

function describeSource(source: ModelSource): { bytesOrUrl: ModelBytesOrUrl; transfer: ArrayBuffer[] } {
  if (typeof source === 'string' || source instanceof URL) {
    const url = parseUrl(source);
    if (hasUserinfo(url)) {
      throw new InputError(
        `the model URL ${url.href} carries credentials (user:password@), which fetch() refuses to send; serve ` +
          `the model without them, or fetch it yourself and pass its bytes to load()`,
      );
    }
    return { bytesOrUrl: { kind: 'url', url: url.href }, transfer: [] };
  }
  if (source instanceof ArrayBuffer) return { bytesOrUrl: { kind: 'bytes', bytes: source }, transfer: [source] };
  if (source instanceof Uint8Array) {
    const bytes = sendableBuffer(source);
    return { bytesOrUrl: { kind: 'bytes', bytes }, transfer: [bytes] };
  }
  if (isTfjsArtifacts(source)) return describeTfjsArtifacts(source);
  throw new InputError(
    `load expects a URL, an ArrayBuffer, a Uint8Array or TF.js artifacts, got ` +
      `${source === null ? 'null' : typeof source}`,
  );
}

function parseUrl(url: string | URL): URL {
  try {
    return new URL(url, document.baseURI);
  } catch (cause) {
    throw new InputError(`the model URL ${String(url)} is not a valid URL`, { cause });
  }
}

function inferEngine(source: ModelBytesOrUrl, requested: EngineKind | undefined): EngineKind {
  if (requested !== undefined) return requested;
  if (source.kind === 'tfjs-artifacts') return 'tfjs';
  if (source.kind === 'url' && new URL(source.url).pathname.endsWith('.json')) return 'tfjs';
  return 'onnx';
}

/**
 * Loads a model into the SDK's worker. The source is a URL (fetched by the worker); the model's bytes
 * (transferred to the worker: an ArrayBuffer, or a Uint8Array covering one, is detached); or TF.js
 * artifacts, `{ modelJson, weights }` or a tf.io handler (whose `load()` runs here, on the page).
 * `load<{ probs: 'float32' }>(…)` types the model's predict results (see Model).
 */
export function load<Outputs extends DtypesOf<Outputs> = DtypeMap>(
  source: ModelSource,
  options: LoadOptions = {},
): Promise<Model<Outputs>> {
  return loadInto(undefined, source, options);
}

/**
 * `load`, into the workers of `pool` (an app's own worker, see connect) or, when undefined, of the
 * SDK's pool for `options.baseUrl`.
 */
export async function loadInto<Outputs extends DtypesOf<Outputs> = DtypeMap>(
  appPool: WorkerPool | undefined,
  source: ModelSource,
  options: LoadOptions = {},
): Promise<Model<Outputs>> {
  checkLoadOptions(options);
  checkDeterministic(options);
  if (options.signal?.aborted) throw abortedError('load', options.signal);
  const { bytesOrUrl, transfer: buffers } = describeSource(
    isTfjsLoadHandler(source) ? await artifactsFromHandler(source) : source,
  );
  const request: Omit<LoadRequest, 'loadId'> = {
    source: bytesOrUrl,
    engine: inferEngine(bytesOrUrl, options.engine),
    backend: options.backend ?? 'auto',
    batch: batchSettings(options.deterministic === true ? false : options.batch),
    numThreads: options.deterministic === true ? 1 : (options.numThreads ?? sharedThreads(options.workers)),
    integrity: integrityByUrl(options.integrity, bytesOrUrl.kind === 'url' ? bytesOrUrl.url : undefined),
    cache: options.cache ?? true,
    maxRunMs: options.maxRunMs,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    timeRun: false,
    probe: probeRequest(options),
    deterministic: options.deterministic === true,
  };
  const onProgress = options.onProgress === undefined ? undefined : proxy(options.onProgress);
  const userWarn = options.onWarning ?? ((warning) => console.warn(`webinfer: ${warning.message}`));
  const warn: WarningSink = (warning) =>
    userWarn({ ...warning, message: redactSecrets(warning.message), source: redactSecrets(warning.source) });
  if (options.persist === true) void persist(warn, bytesOrUrl);
  const pool =
    appPool ??
    poolFor(options.baseUrl === undefined ? scriptBaseUrl() : resolveBaseUrl(options.baseUrl, document.baseURI));
  const replicas = await placeReplicas(pool, request, options, {
    // The first copy takes the bytes and reports progress; the others read the model from the cache
    // the first one filled, or get a copy of its bytes.
    first: (client, loadRequest) => place(pool, client, loadRequest, buffers, options, onProgress, proxy(warn)),
    more: (client, loadRequest) => place(pool, client, loadRequest, [], options, undefined, proxy(warn)),
  });
  // A model fetched from a URL can be loaded again if its worker dies; bytes were handed over for good.
  const reload =
    bytesOrUrl.kind === 'url'
      ? (avoid: ReadonlySet<WorkerClient>) => {
          const [client] = pool.acquire(1, avoid);
          if (client === undefined) {
            return Promise.reject(new WorkerCrashedError('no worker is free to replace the one that stopped'));
          }
          return place(pool, client, request, [], reloadOptions(options), undefined, proxy(warn));
        }
      : undefined;
  return new Model<Outputs>(replicas.placements, reload, replicas);
}

/** How the load checks WebGPU before trusting it: see the load options probe and probeTolerance. */
function probeRequest({ probe = true, probeTolerance = 1e-3, probeForTesting = {} }: LoadOptions): ProbeRequest {
  return {
    enabled: probe !== false,
    ...(typeof probe === 'object' && { feeds: probe }),
    tolerance: probeTolerance,
    softwareAsHardware: probeForTesting.softwareAsHardware === true,
    perturbWebgpu: probeForTesting.perturbWebgpu === true,
  };
}

/** A reload happens on its own, later: no caller's signal or deadline applies, only the listener. */
function reloadOptions({ onBackendChange }: LoadOptions): Pick<LoadOptions, 'onBackendChange'> {
  return onBackendChange === undefined ? {} : { onBackendChange };
}

type PlaceOn = (client: WorkerClient, request: Omit<LoadRequest, 'loadId'>) => Promise<Placement>;

/**
 * Places the model on as many workers as `workers` asks (see autoWorkers for 'auto'): one first, then
 * the rest at once, so that they read the model from the cache rather than download it each.
 */
async function placeReplicas(
  pool: WorkerPool,
  request: Omit<LoadRequest, 'loadId'>,
  { workers = 'auto' }: LoadOptions,
  { first, more }: { first: PlaceOn; more: PlaceOn },
): Promise<{ placements: Placement[]; reason: string; later?: DecideWorkers }> {
  const cores = navigator.hardwareConcurrency ?? 1;
  const { maxWorkers } = poolSettings;
  const fromBytes = request.source.kind !== 'url';
  const timeRun =
    workers === 'auto' &&
    !crossOriginIsolated &&
    !fromBytes &&
    Math.min(cores, maxWorkers) > 1 &&
    request.backend !== 'webgpu';
  const asked = workers === 'auto' ? undefined : Math.min(workers, maxWorkers);
  // A model given as bytes goes to the first worker; the others each get a copy of a spare.
  const spare = fromBytes && asked !== undefined && asked > 1 ? structuredClone(request.source) : request.source;
  const head = await first(pool.acquire(1)[0] as WorkerClient, { ...request, timeRun });
  const facts = { ...head.info, crossOriginIsolated, cores, maxWorkers, fromBytes };
  if (asked === undefined && timeRun && head.info.runMs === undefined && head.info.backend !== 'webgpu') {
    // Made-up feeds did not fit (a symbolic dim past dim 0): the first call's shapes will.
    const later = (runMs: number | undefined) => autoWorkers({ ...facts, runMs });
    return { placements: [head], reason: '1 worker until the first call, whose shapes time a run', later };
  }
  const choice =
    asked === undefined
      ? autoWorkers({ ...facts, runMs: head.info.runMs })
      : { count: asked, reason: askedReason(workers as number, asked) };
  if (choice.count === 1) return { placements: [head], reason: choice.reason };
  const clients = pool.acquire(choice.count - 1, new Set([head.client]));
  const rest = await Promise.allSettled(clients.map((client) => more(client, { ...request, source: spare })));
  const placed = [head, ...rest.flatMap((settled) => (settled.status === 'fulfilled' ? [settled.value] : []))];
  const failed = rest.find((settled) => settled.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(placed.map((placement) => new Replica(placement).dispose().catch(() => undefined)));
    throw failed.reason;
  }
  return { placements: placed, reason: choice.reason };
}

/**
 * Threads and replicas draw on the same cores: on an isolated page, N workers get cores / N threads
 * each. Otherwise the worker's default (up to 4 threads when isolated, else 1).
 */
function sharedThreads(workers: LoadOptions['workers']): number | undefined {
  if (typeof workers !== 'number' || workers < 2 || !crossOriginIsolated) return undefined;
  const count = Math.min(workers, poolSettings.maxWorkers);
  return count < 2 ? undefined : Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 1) / count));
}

function askedReason(asked: number, count: number): string {
  if (count < asked) return `${count} worker(s): ${asked} asked, but configure's maxWorkers is ${count}`;
  return `${count} worker(s), as asked (load option workers)`;
}

/** Loads a model into `client`'s worker, held from `pool`; on failure the worker goes back to it. */
async function place(
  pool: WorkerPool,
  client: WorkerClient,
  request: Omit<LoadRequest, 'loadId'>,
  buffers: ArrayBuffer[],
  options: Pick<LoadOptions, 'signal' | 'timeoutMs' | 'onBackendChange'>,
  onProgress: ProgressSink | undefined,
  onWarning: WarningSink,
): Promise<Placement> {
  let placed: Placement | undefined;
  // The worker may move the model to another backend later (GPU device lost): keep model.backend true.
  const onBackendChange = proxy((change: BackendChange) => {
    if (placed !== undefined) placed.info = { ...placed.info, backend: change.to, backendReason: change.reason };
    options.onBackendChange?.(change);
  });
  const loadId = nextLoadId++;
  const sent = transfer({ ...request, loadId }, buffers);
  const loading = viaWorker(client, client.host.load(sent, onProgress, onWarning, onBackendChange));
  // A caller who gives up stops the worker's downloads (freeing their connections), and a load that
  // finishes anyway must not leak a model in the worker.
  const discard = () => {
    client.host.cancelLoad(loadId).catch(() => undefined);
    loading.then((info) => client.host.dispose(info.id)).catch(() => undefined);
  };
  try {
    const info = await cancellable('load', loading, options, discard);
    placed = { client, info, release: () => pool.release(client) };
    return placed;
  } catch (error) {
    pool.release(client);
    throw error;
  }
}

async function persist(warn: WarningSink, source: ModelBytesOrUrl): Promise<void> {
  if (await requestPersistence()) return;
  const url = source.kind === 'url' ? source.url : 'bytes';
  warn({
    code: 'persist-denied',
    source: url,
    message: 'the browser declined persistent storage: cached models may be evicted under storage pressure',
  });
}
