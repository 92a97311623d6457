import { BackendUnavailableError, LoadError, WebinferError } from '../../shared/errors.js';
import type { BackendChangeSink, LoadRequest, ModelBytesOrUrl, ProgressSink, WarningSink } from '../../shared/protocol.js';
import type { EngineKind } from '../../shared/types.js';
import { chooseBackend, detectCapabilities, type BackendChoice } from './backends.js';
import type { Engine, EngineSetup } from './engine.js';
import { withFallback } from './failover.js';
import { deliver, fetchFile, modelFile, type FetchOptions } from '../delivery/fetch-file.js';
import type { RuntimeDelivery } from './onnx/ort-runtime.js';

interface EngineModule {
  /** Starts fetching the runtime for a backend so that it downloads alongside the model. */
  warmUp(backend: EngineSetup['backend'], runtimeBaseUrl: string, numThreads: number, delivery: RuntimeDelivery): Promise<unknown>;
  create(setup: EngineSetup): Promise<Engine>;
}

// Engines load lazily, so a page only downloads the runtime its models use.
const engineModules: Record<EngineKind, () => Promise<EngineModule>> = {
  onnx: () => import('./onnx/onnx-engine.js'),
  tfjs: () => import('./tfjs/tfjs-engine.js'),
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

/** The model's bytes as the page handed them over. */
function givenBytes(source: Exclude<ModelBytesOrUrl, { kind: 'url' }>): Uint8Array {
  return source.kind === 'bytes' ? new Uint8Array(source.bytes) : new TextEncoder().encode(source.modelJson);
}

/**
 * Everything a load does in the worker: choose the backend, fetch the runtime alongside the model,
 * start the engine (on WebGPU, one that can fall back to WASM). `signal` cancels the load's own
 * downloads (model, shards), never the runtime's, which other loads share.
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
    const { integrity, cache, stallTimeoutMs } = request;
    const runtime = engineModule.warmUp(choice.backend, runtimeBaseUrl, numThreads, { stallTimeoutMs, onWarning: sinks.onWarning });
    runtime.catch(() => undefined); // awaited below; a failed download must not go unhandled meanwhile
    const fileOptions = (url: string, onProgress: ProgressSink): FetchOptions =>
      modelFile({ integrity: integrity[url], cache, onProgress, onWarning: sinks.onWarning, signal, stallTimeoutMs });
    const start = async (model: Uint8Array) => {
      // A runtime that failed to load is not the model's fault: say so before the model is blamed.
      await runtime;
      signal.throwIfAborted(); // the caller gave up while the files arrived: start no session
      const setup: EngineSetup = {
        model,
        source,
        backend: choice.backend,
        webgpuAdapter: capabilities.webgpu.available ? capabilities.webgpu.adapter : undefined,
        runtimeBaseUrl,
        numThreads,
        stallTimeoutMs,
        weights: request.source.kind === 'tfjs-artifacts' ? request.source.weights : undefined,
        fetchFile: (url, onProgress, fresh) => fetchFile(url, fileOptions(url, onProgress), fresh),
        onProgress: sinks.onProgress,
      };
      return { setup, engine: await engineModule.create(setup) };
    };
    // A URL model is cached only once the engine has parsed it; a bad cached copy is fetched again.
    const { setup, engine } =
      request.source.kind === 'url' ? await deliver(request.source.url, fileOptions(request.source.url, sinks.onProgress), start) : await start(givenBytes(request.source));
    return {
      engine: choice.backend === 'webgpu' ? fallingBackToWasm(engine, engineModule, setup, sinks.onBackendChange) : engine,
      choice,
    };
  } catch (error) {
    if (error instanceof WebinferError) throw error;
    throw new LoadError(`could not load model ${source}: ${String(error)}`, { source, cause: error });
  }
}
