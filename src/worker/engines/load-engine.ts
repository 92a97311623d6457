import { BackendUnavailableError, LoadError, messageOf, WebinferError } from '../../shared/errors.js';
import type { BackendChangeSink, LoadRequest, ProgressSink, WarningSink } from '../../shared/protocol.js';
import type { Backend, BackendRequest } from '../../shared/types.js';
import {
  chooseBackend,
  detectCapabilities,
  fallbacksAfter,
  type BackendChoice,
  type Capabilities,
} from './backends.js';
import type { Engine, EnginePlugin, EngineSetup } from './engine.js';
import { withFallback } from './failover.js';
import { fetchFile, modelFile, type FetchOptions } from '../delivery/fetch-file.js';
import { modelReader } from './read-model.js';
import { findEngine } from './registry.js';

/** Where a load reports to the page; `onBackendChange` is heard for the model's whole life. */
export interface LoadSinks {
  onProgress: ProgressSink;
  onWarning: WarningSink;
  onBackendChange: BackendChangeSink;
}

const quoted = (backends: readonly Backend[]): string => {
  const names = backends.map((backend) => `'${backend}'`);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) as string}`;
};

/** The backend for this engine: 'auto' over its own list; a named one only if the engine runs on it. */
function chooseFor(plugin: EnginePlugin, requested: BackendRequest, caps: Capabilities, source: string): BackendChoice {
  if (requested !== 'auto' && !plugin.backends.includes(requested)) {
    const message =
      `backend '${requested}' is not one the ${plugin.kind} engine runs on; model ${source} runs ` +
      `on ${quoted(plugin.backends)}`;
    throw new BackendUnavailableError(message, { backend: requested, source });
  }
  return chooseBackend(requested, caps, plugin.backends);
}

/** The sizes of the files a model is made of: what each loaded copy of it holds, about. */
class FileSizes {
  readonly #sizes = new Map<string, number>();

  constructor(source: LoadRequest['source']) {
    if (source.kind !== 'tfjs-artifacts') return;
    // Weights given in memory never pass through fetchFile.
    for (const [i, shard] of source.weights.entries()) this.#sizes.set(`shard ${i}`, shard.byteLength);
  }

  note(file: string, bytes: Uint8Array): Uint8Array {
    this.#sizes.set(file, bytes.byteLength);
    return bytes;
  }

  total(): number {
    let sum = 0;
    for (const size of this.#sizes.values()) sum += size;
    return sum;
  }
}

/**
 * Everything a load does in the worker: find the engine, choose the backend, fetch the runtime
 * alongside the model, start the engine (one that moves on to the engine's later backends if its own
 * fails). `signal` cancels the load's own downloads (model, shards), never the runtime's, which other
 * loads share.
 */
export async function loadEngine(
  request: LoadRequest,
  sinks: LoadSinks,
  signal: AbortSignal,
): Promise<{ engine: Engine; choice: BackendChoice; modelBytes: number }> {
  const source = request.source.kind === 'url' ? request.source.url : 'bytes';
  try {
    const plugin = findEngine(request.engine);
    const capabilities = await detectCapabilities();
    const choice = chooseFor(plugin, request.backend, capabilities, source);
    const fallbacks = fallbacksAfter(choice.backend, plugin.backends);
    const engineModule = await plugin.load();
    const numThreads = request.numThreads ?? (capabilities.threads ? Math.min(4, navigator.hardwareConcurrency) : 1);
    const runtimeFiles = plugin.runtimeFiles();
    const { integrity, cache, stallTimeoutMs } = request;
    const runtime = engineModule.warmUp(choice.backend, runtimeFiles, numThreads, {
      stallTimeoutMs,
      onWarning: sinks.onWarning,
    });
    runtime.catch(() => undefined); // awaited below; a failed download must not go unhandled meanwhile
    const fileOptions = (url: string, onProgress: ProgressSink): FetchOptions =>
      modelFile({ integrity: integrity[url], cache, onProgress, onWarning: sinks.onWarning, signal, stallTimeoutMs });
    const ready = async () => {
      // A runtime that failed to load is not the model's fault: say so before the model is blamed.
      await runtime;
      signal.throwIfAborted(); // the caller gave up while the files arrived: start no session
    };
    const sizes = new FileSizes(request.source);
    const readModel = modelReader(request.source, {
      fileOptions,
      onProgress: sinks.onProgress,
      ready,
      keep: fallbacks.length > 0,
    });
    const setupFor = (backend: Backend, onProgress: ProgressSink): EngineSetup => ({
      model: request.source,
      source,
      backend,
      webgpuAdapter: backend === 'webgpu' && capabilities.webgpu.available ? capabilities.webgpu.adapter : undefined,
      runtimeFiles,
      numThreads,
      stallTimeoutMs,
      readModel: (use) => readModel((bytes) => use(sizes.note('model', bytes))),
      fetchFile: async (url, onFileProgress, fresh) => {
        const fetched = await fetchFile(url, fileOptions(url, onFileProgress), fresh);
        sizes.note(url, fetched.bytes);
        return fetched;
      },
      onProgress,
    });
    const engine = await engineModule.create(setupFor(choice.backend, sinks.onProgress));
    const startOn = (backend: Backend) => engineModule.create(setupFor(backend, () => undefined));
    const served = withFallback(engine, choice.backend, fallbacks, startOn, sinks.onBackendChange);
    return { engine: served, choice, modelBytes: sizes.total() };
  } catch (error) {
    if (error instanceof WebinferError) throw error;
    throw new LoadError(`could not load model ${source}: ${messageOf(error)}`, { source, cause: error });
  }
}
