import { releaseProxy, transfer, type Remote } from 'comlink';
import { DisposedError, InferenceError, LoadError, WebinferError } from '../errors.js';
import type { HostApi, LoadRequest, ModelInfo, ModelStats, ProgressSink } from '../protocol.js';
import { concatRows, isSymbolic, prepareTransfer, rowsOf, splitRows } from '../tensor.js';
import type { EngineKind, TensorInfo, Tensors } from '../types.js';
import { chooseBackend, detectCapabilities } from './backends.js';
import { Batcher } from './batcher.js';
import type { Engine, EngineSetup } from './engine.js';
import { fetchModel } from './fetch-model.js';

interface EngineModule {
  /** Starts fetching the runtime for a backend so that it downloads alongside the model. */
  warmUp(backend: EngineSetup['backend'], runtimeBaseUrl: string, numThreads: number): Promise<unknown>;
  create(setup: EngineSetup): Promise<Engine>;
}

// Engines load lazily, so a page only downloads the runtime its models use.
const engineModules: Record<EngineKind, (source: string) => Promise<EngineModule>> = {
  onnx: () => import('./onnx.js'),
  tfjs: (source) =>
    Promise.reject(new LoadError(`model ${source} needs the TF.js engine, which this build does not include yet`, { source })),
};

interface HostedModel {
  engine: Engine;
  batcher: Batcher<Tensors, Tensors>;
  stats: ModelStats;
}

/** Dim 0 batches only when it is symbolic in every input and output. */
function hasBatchDim(values: readonly TensorInfo[]): boolean {
  return values.every((value) => value.shape.length > 0 && isSymbolic(value.shape[0] as TensorInfo['shape'][0]));
}

function batchKey(feeds: Tensors): string | null {
  const tensors = Object.values(feeds);
  const rows = rowsOf(feeds);
  if (tensors.some((tensor) => tensor.dims[0] !== rows)) return null;
  return tensors.map((tensor) => `${tensor.dtype}[${tensor.dims.slice(1).join(',')}]`).join(';');
}

function hostModel(engine: Engine, batch: LoadRequest['batch']): HostedModel {
  const batchable = batch.maxSize > 1 && hasBatchDim(engine.inputs) && hasBatchDim(engine.outputs);
  const stats: ModelStats = { runs: 0, requests: 0, largestRun: 0 };
  const run = async (requests: Tensors[]): Promise<Tensors[]> => {
    stats.runs += 1;
    stats.requests += requests.length;
    stats.largestRun = Math.max(stats.largestRun, requests.length);
    if (requests.length === 1) return [await engine.run(requests[0] as Tensors)];
    const outputs = await engine.run(concatRows(requests));
    try {
      return splitRows(outputs, requests.map(rowsOf));
    } catch (cause) {
      throw new InferenceError(`could not split a batched run: ${String(cause)}`, { cause });
    }
  };
  const batcher = new Batcher(run, {
    ...batch,
    sizeOf: rowsOf,
    keyOf: (feeds) => (batchable ? batchKey(feeds) : null),
  });
  return { engine, batcher, stats };
}

/** The worker's side of the SDK: loads models, queues and coalesces their requests, runs them. */
export class Host implements HostApi {
  readonly #models = new Map<number, HostedModel>();
  #nextId = 1;

  async load(request: LoadRequest, onProgress?: Remote<ProgressSink>): Promise<ModelInfo> {
    const source = request.source.kind === 'url' ? request.source.url : 'bytes';
    const report: ProgressSink = (progress) => void onProgress?.(progress);
    try {
      const capabilities = await detectCapabilities();
      const choice = chooseBackend(request.backend, capabilities);
      const engineModule = await engineModules[request.engine](source);
      const numThreads = request.numThreads ?? (capabilities.threads ? Math.min(4, navigator.hardwareConcurrency) : 1);
      const runtime = engineModule.warmUp(choice.backend, request.ortBaseUrl, numThreads);
      runtime.catch(() => undefined); // create() reports it; a failed download must not go unhandled meanwhile
      const model =
        request.source.kind === 'url' ? await fetchModel(request.source.url, report) : new Uint8Array(request.source.bytes);
      report({ phase: 'init' });
      const engine = await engineModule.create({
        model,
        source,
        backend: choice.backend,
        webgpuAdapter: capabilities.webgpu.available ? capabilities.webgpu.adapter : undefined,
        runtimeBaseUrl: request.ortBaseUrl,
        numThreads,
      });
      const id = this.#nextId++;
      this.#models.set(id, hostModel(engine, request.batch));
      return {
        id,
        engine: request.engine,
        backend: choice.backend,
        backendReason: choice.reason,
        inputs: engine.inputs,
        outputs: engine.outputs,
      };
    } catch (error) {
      if (error instanceof WebinferError) throw error;
      throw new LoadError(`could not load model ${source}: ${String(error)}`, { source, cause: error });
    } finally {
      onProgress?.[releaseProxy]();
    }
  }

  async predict(modelId: number, requests: Tensors[]): Promise<Tensors[]> {
    const model = this.#model(modelId);
    const results = await Promise.all(requests.map((feeds) => model.batcher.push(feeds)));
    const buffers = new Set<ArrayBuffer>();
    const sendable = results.map((outputs) => prepareTransfer(outputs, buffers));
    return transfer(sendable, [...buffers]);
  }

  stats(modelId: number): ModelStats {
    return { ...this.#model(modelId).stats };
  }

  async dispose(modelId: number): Promise<void> {
    const model = this.#models.get(modelId);
    if (model === undefined) return;
    this.#models.delete(modelId);
    model.batcher.close(new DisposedError('the model was disposed while this call was queued'));
    await model.batcher.idle();
    await model.engine.dispose();
  }

  #model(modelId: number): HostedModel {
    const model = this.#models.get(modelId);
    if (model === undefined) throw new DisposedError('this model has been disposed; load it again to use it');
    return model;
  }
}
