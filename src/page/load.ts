import { proxy, transfer } from 'comlink';
import { abortedError, cancellable } from './cancellation.js';
import { InputError } from '../shared/errors.js';
import { scriptBaseUrl } from './bundle-url.js';
import { requestPersistence } from './cache.js';
import { integrityByUrl } from './integrity-option.js';
import { batchSettings, checkLoadOptions, resolveBaseUrl } from './load-options.js';
import { hasUserinfo, redactSecrets } from '../shared/redact.js';
import { Model, type Placement } from './model.js';
import { sendableBuffer } from '../shared/transfer.js';
import type { LoadRequest, ModelBytesOrUrl, ProgressSink, WarningSink } from '../shared/protocol.js';
import { artifactsFromHandler, describeTfjsArtifacts, isTfjsArtifacts, isTfjsLoadHandler } from './tfjs-artifacts.js';
import type { BackendChange, DtypeMap, DtypesOf, EngineKind, LoadOptions, ModelSource } from '../shared/types.js';
import { viaWorker, workerFor } from './worker-client.js';

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
export async function load<Outputs extends DtypesOf<Outputs> = DtypeMap>(
  source: ModelSource,
  options: LoadOptions = {},
): Promise<Model<Outputs>> {
  checkLoadOptions(options);
  if (options.signal?.aborted) throw abortedError('load', options.signal);
  const { bytesOrUrl, transfer: buffers } = describeSource(
    isTfjsLoadHandler(source) ? await artifactsFromHandler(source) : source,
  );
  const baseUrl = options.baseUrl === undefined ? scriptBaseUrl() : resolveBaseUrl(options.baseUrl, document.baseURI);
  const request: Omit<LoadRequest, 'loadId'> = {
    source: bytesOrUrl,
    engine: inferEngine(bytesOrUrl, options.engine),
    backend: options.backend ?? 'auto',
    batch: batchSettings(options.batch),
    numThreads: options.numThreads,
    integrity: integrityByUrl(options.integrity, bytesOrUrl.kind === 'url' ? bytesOrUrl.url : undefined),
    cache: options.cache ?? true,
    maxRunMs: options.maxRunMs,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
  };
  const onProgress = options.onProgress === undefined ? undefined : proxy(options.onProgress);
  const userWarn = options.onWarning ?? ((warning) => console.warn(`webinfer: ${warning.message}`));
  const warn: WarningSink = (warning) =>
    userWarn({ ...warning, message: redactSecrets(warning.message), source: redactSecrets(warning.source) });
  if (options.persist === true) void persist(warn, bytesOrUrl);
  const placement = await place(baseUrl, request, buffers, onProgress, options, proxy(warn));
  // A model fetched from a URL can be loaded again if its worker dies; bytes were handed over for good.
  const reload =
    bytesOrUrl.kind === 'url'
      ? () => place(baseUrl, request, [], undefined, reloadOptions(options), proxy(warn))
      : undefined;
  return new Model<Outputs>(placement, reload);
}

/** A reload happens on its own, later: no caller's signal or deadline applies, only the listener. */
function reloadOptions({ onBackendChange }: LoadOptions): Pick<LoadOptions, 'onBackendChange'> {
  return onBackendChange === undefined ? {} : { onBackendChange };
}

/** Loads a model into the worker in `baseUrl`, or the bundled one (starting it if needed). */
async function place(
  baseUrl: URL | undefined,
  request: Omit<LoadRequest, 'loadId'>,
  buffers: ArrayBuffer[],
  onProgress: ProgressSink | undefined,
  options: Pick<LoadOptions, 'signal' | 'timeoutMs' | 'onBackendChange'>,
  onWarning?: WarningSink,
): Promise<Placement> {
  const client = workerFor(baseUrl);
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
  placed = { client, info: await cancellable('load', loading, options, discard) };
  return placed;
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
