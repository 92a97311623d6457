import { BackendUnavailableError, LoadError, WebinferError } from '../errors.js';
import type { BackendChangeSink, LoadRequest, ProgressSink, WarningSink } from '../protocol.js';
import type { EngineKind } from '../types.js';
import { chooseBackend, detectCapabilities, type BackendChoice } from './backends.js';
import type { Engine, EngineSetup } from './engine.js';
import { withFallback } from './failover.js';
import { fetchModel } from './fetch-model.js';

interface EngineModule {
  /** Starts fetching the runtime for a backend so that it downloads alongside the model. */
  warmUp(backend: EngineSetup['backend'], runtimeBaseUrl: string, numThreads: number, onWarning?: WarningSink): Promise<unknown>;
  create(setup: EngineSetup): Promise<Engine>;
}

// Engines load lazily, so a page only downloads the runtime its models use.
const engineModules: Record<EngineKind, () => Promise<EngineModule>> = {
  onnx: () => import('./onnx.js'),
  tfjs: () => import('./tfjs.js'),
};

// Each engine's runtime files sit in their own folder of the SDK's dist/.
const runtimeFolders: Record<EngineKind, string> = { onnx: 'ort/', tfjs: 'tfjs/' };

/** Where a load reports to the page; `onBackendChange` is heard for the model's whole life. */
export interface LoadSinks {
  onProgress: ProgressSink;
  onWarning: WarningSink;
  onBackendChange: BackendChangeSink;
}

/**
 * A WebGPU engine that moves to WASM if its device is lost or a run fails. It keeps the model's bytes
 * (in `setup`) for that: the model's size in memory once more.
 */
function fallingBackToWasm(
  engine: Engine,
  engineModule: EngineModule,
  setup: EngineSetup,
  onBackendChange: BackendChangeSink,
): Engine {
  const startWasm = () => engineModule.create({ ...setup, backend: 'wasm', webgpuAdapter: undefined, onProgress: () => undefined });
  return withFallback(engine, startWasm, (reason) => onBackendChange({ from: 'webgpu', to: 'wasm', reason }));
}

/** The model's bytes: downloaded (or read from the cache), or as the page handed them over. */
function readModel(request: LoadRequest, sinks: LoadSinks): Promise<Uint8Array> | Uint8Array {
  const { source } = request;
  if (source.kind === 'bytes') return new Uint8Array(source.bytes);
  if (source.kind === 'tfjs-artifacts') return new TextEncoder().encode(source.modelJson);
  const { integrity, cache } = request;
  return fetchModel(source.url, { integrity: integrity[source.url], cache, ...sinks });
}

/**
 * Everything a load does in the worker: choose the backend, fetch the runtime alongside the model,
 * start the engine (on WebGPU, one that can fall back to WASM).
 */
export async function loadEngine(
  request: LoadRequest,
  sinks: LoadSinks,
  signal: AbortSignal,
): Promise<{ engine: Engine; choice: BackendChoice }> {
  const source = request.source.kind === 'url' ? request.source.url : 'bytes';
  try {
    const capabilities = await detectCapabilities();
    const choice = chooseBackend(request.backend, capabilities);
    if (choice.backend === 'cpu' && request.engine !== 'tfjs') {
      throw new BackendUnavailableError(`backend 'cpu' is TF.js's; model ${source} runs on 'wasm' or 'webgpu'`, {
        backend: 'cpu',
        source,
      });
    }
    const engineModule = await engineModules[request.engine]();
    const numThreads = request.numThreads ?? (capabilities.threads ? Math.min(4, navigator.hardwareConcurrency) : 1);
    const runtimeBaseUrl = new URL(runtimeFolders[request.engine], request.sdkBaseUrl).href;
    const runtime = engineModule.warmUp(choice.backend, runtimeBaseUrl, numThreads, sinks.onWarning);
    runtime.catch(() => undefined); // create() reports it; a failed download must not go unhandled meanwhile
    const { integrity, cache } = request;
    const setup: EngineSetup = {
      model: await readModel(request, sinks),
      source,
      backend: choice.backend,
      webgpuAdapter: capabilities.webgpu.available ? capabilities.webgpu.adapter : undefined,
      runtimeBaseUrl,
      numThreads,
      weights: request.source.kind === 'tfjs-artifacts' ? request.source.weights : undefined,
      fetchFile: (url, onProgress) => fetchModel(url, { integrity: integrity[url], cache, onProgress, onWarning: sinks.onWarning }),
      onProgress: sinks.onProgress,
    };
    signal.throwIfAborted(); // the caller gave up while the files arrived: start no session
    const engine = await engineModule.create(setup);
    return {
      engine: choice.backend === 'webgpu' ? fallingBackToWasm(engine, engineModule, setup, sinks.onBackendChange) : engine,
      choice,
    };
  } catch (error) {
    if (error instanceof WebinferError) throw error;
    throw new LoadError(`could not load model ${source}: ${String(error)}`, { source, cause: error });
  }
}
