import { proxy, transfer } from 'comlink';
import { AbortError, InputError } from './errors.js';
import { bundleBaseUrl } from './bundle-url.js';
import { Model } from './model.js';
import type { LoadRequest, ModelBytesOrUrl } from './protocol.js';
import type { EngineKind, LoadOptions, ModelSource } from './types.js';
import { viaWorker, workerFor } from './worker-client.js';

const defaultBatch = { maxSize: 64, maxDelayMs: 0 };

function describeSource(source: ModelSource): { bytesOrUrl: ModelBytesOrUrl; transfer: ArrayBuffer[] } {
  if (typeof source === 'string' || source instanceof URL) {
    return { bytesOrUrl: { kind: 'url', url: new URL(source, document.baseURI).href }, transfer: [] };
  }
  if (source instanceof ArrayBuffer) return { bytesOrUrl: { kind: 'bytes', bytes: source }, transfer: [source] };
  if (source instanceof Uint8Array) {
    // A view into a larger buffer is copied, so that the caller's buffer is not detached.
    const whole = source.byteOffset === 0 && source.byteLength === source.buffer.byteLength;
    const bytes = (whole && source.buffer instanceof ArrayBuffer ? source.buffer : source.slice().buffer) as ArrayBuffer;
    return { bytesOrUrl: { kind: 'bytes', bytes }, transfer: [bytes] };
  }
  throw new InputError(`load expects a URL, an ArrayBuffer or a Uint8Array, got ${source === null ? 'null' : typeof source}`);
}

function inferEngine(source: ModelBytesOrUrl, requested: EngineKind | undefined): EngineKind {
  if (requested !== undefined) return requested;
  if (source.kind === 'url' && new URL(source.url).pathname.endsWith('.json')) return 'tfjs';
  return 'onnx';
}

function batchSettings(batch: LoadOptions['batch']): LoadRequest['batch'] {
  if (batch === false) return { maxSize: 1, maxDelayMs: 0 };
  const settings = { ...defaultBatch, ...batch };
  if (!Number.isInteger(settings.maxSize) || settings.maxSize < 1) {
    throw new InputError(`batch.maxSize must be a positive integer, got ${String(settings.maxSize)}`);
  }
  if (!(settings.maxDelayMs >= 0)) {
    throw new InputError(`batch.maxDelayMs must be a number >= 0, got ${String(settings.maxDelayMs)}`);
  }
  return settings;
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError(`load was aborted: ${String(signal.reason)}`, { cause: signal.reason });
}

/**
 * Loads a model into the SDK's worker. The source is a URL (fetched by the worker) or the model's
 * bytes (transferred to the worker: an ArrayBuffer, or a Uint8Array covering one, is detached).
 */
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const { bytesOrUrl, transfer: buffers } = describeSource(source);
  const baseUrl = options.baseUrl === undefined ? bundleBaseUrl() : new URL(options.baseUrl, document.baseURI);
  const request: LoadRequest = {
    source: bytesOrUrl,
    engine: inferEngine(bytesOrUrl, options.engine),
    backend: options.backend ?? 'auto',
    batch: batchSettings(options.batch),
    ortBaseUrl: new URL('ort/', baseUrl).href,
    numThreads: options.numThreads,
  };
  const client = workerFor(baseUrl);
  const onProgress = options.onProgress === undefined ? undefined : proxy(options.onProgress);
  const loading = viaWorker(client, client.host.load(transfer(request, buffers), onProgress));
  if (signal === undefined) return new Model(client, await loading);
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(abortError(signal)), { once: true }));
  try {
    return new Model(client, await Promise.race([loading, aborted]));
  } catch (error) {
    // A load that finishes after its caller gave up must not leak a model in the worker.
    if (signal.aborted) void loading.then((info) => client.host.dispose(info.id), () => undefined);
    throw error;
  }
}
