import { releaseProxy, transfer, type Remote } from 'comlink';
import { AbortError, DisposedError, InferenceError, toWire, WebinferError } from '../errors.js';
import type {
  BackendChangeSink,
  HostApi,
  LoadRequest,
  ModelInfo,
  ModelStats,
  PredictCall,
  PredictOutcome,
  ProgressSink,
  WarningSink,
} from '../protocol.js';
import { concatRows, isSymbolic, prepareTransfer, rowsOf, splitRows } from '../tensor.js';
import type { BackendChange, LoadProgress, LoadWarning, TensorInfo, Tensors } from '../types.js';
import { BatchTuner } from './batch-tuner.js';
import { Batcher } from './batcher.js';
import type { Engine } from './engine.js';
import { loadEngine } from './load-engine.js';

interface HostedModel {
  engine: Engine;
  batcher: Batcher<Tensors, Tensors>;
  stats: ModelStats;
  /** Lets go of the page's callbacks kept for the model's life. */
  release(): void;
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

function hostModel(engine: Engine, batch: LoadRequest['batch']): Omit<HostedModel, 'release'> {
  const batchable = batch.maxSize > 1 && hasBatchDim(engine.inputs) && hasBatchDim(engine.outputs);
  const stats: ModelStats = { runs: 0, requests: 0, largestRun: 0 };
  const tuner = new BatchTuner(batch.maxSize);
  const run = async (requests: Tensors[]): Promise<Tensors[]> => {
    stats.runs += 1;
    stats.requests += requests.length;
    stats.largestRun = Math.max(stats.largestRun, requests.length);
    const rows = requests.map(rowsOf);
    const started = performance.now();
    if (requests.length === 1) {
      const outputs = await engine.run(requests[0] as Tensors);
      tuner.record(rows[0] as number, performance.now() - started);
      return [outputs];
    }
    const outputs = await engine.run(concatRows(requests));
    tuner.record(rows.reduce((sum, n) => sum + n, 0), performance.now() - started);
    try {
      return splitRows(outputs, rows);
    } catch (cause) {
      throw new InferenceError(`could not split a batched run: ${String(cause)}`, { cause });
    }
  };
  const batcher = new Batcher(run, {
    ...batch,
    sizeOf: rowsOf,
    keyOf: (feeds) => (batchable ? batchKey(feeds) : null),
    limit: () => tuner.limit(),
  });
  return { engine, batcher, stats };
}

function asWebinferError(error: unknown): WebinferError {
  return error instanceof WebinferError ? error : new InferenceError(`the run failed: ${String(error)}`, { cause: error });
}

/** The worker's side of the SDK: loads models, queues and coalesces their requests, runs them. */
export class Host implements HostApi {
  readonly #models = new Map<number, HostedModel>();
  #nextId = 1;

  async load(
    request: LoadRequest,
    onProgress?: Remote<ProgressSink>,
    onWarning?: Remote<WarningSink>,
    onBackendChange?: Remote<BackendChangeSink>,
  ): Promise<ModelInfo> {
    const sinks = {
      onProgress: (progress: LoadProgress) => void onProgress?.(progress),
      onWarning: (warning: LoadWarning) => {
        // A warning from a runtime download that outlives this load finds the proxy released.
        try {
          void onWarning?.(warning);
        } catch {}
      },
      onBackendChange: (change: BackendChange) => void onBackendChange?.(change),
    };
    try {
      const { engine, choice } = await loadEngine(request, sinks, new AbortController().signal);
      const id = this.#nextId++;
      this.#models.set(id, { ...hostModel(engine, request.batch), release: () => onBackendChange?.[releaseProxy]() });
      return {
        id,
        engine: request.engine,
        backend: choice.backend,
        backendReason: choice.reason,
        inputs: engine.inputs,
        outputs: engine.outputs,
      };
    } catch (error) {
      onBackendChange?.[releaseProxy]();
      throw error;
    } finally {
      onProgress?.[releaseProxy]();
      onWarning?.[releaseProxy]();
    }
  }

  async predict(modelId: number, calls: PredictCall[]): Promise<PredictOutcome[]> {
    const model = this.#model(modelId);
    const settled = await Promise.allSettled(
      calls.map(({ callId, requests }) => Promise.all(requests.map((feeds) => model.batcher.push(feeds, callId)))),
    );
    const buffers = new Set<ArrayBuffer>();
    const outcomes = settled.map((outcome): PredictOutcome =>
      outcome.status === 'fulfilled'
        ? { results: outcome.value.map((outputs) => prepareTransfer(outputs, buffers)) }
        : { error: toWire(asWebinferError(outcome.reason)) },
    );
    return transfer(outcomes, [...buffers]);
  }

  cancel(modelId: number, callId: number): void {
    this.#models.get(modelId)?.batcher.cancel(callId, new AbortError('the call was cancelled while queued'));
  }

  holdLock(name: string): Promise<void> {
    return new Promise((acquired) => {
      void navigator.locks.request(name, () => {
        acquired();
        return new Promise(() => undefined);
      });
    });
  }

  loseDeviceForTesting(modelId: number): void {
    this.#model(modelId).engine.loseDeviceForTesting?.();
  }

  crashForTesting(): void {
    // Closing discards every message still queued, as a crash would.
    self.close();
  }

  stats(modelId: number): ModelStats {
    const model = this.#model(modelId);
    return { ...model.stats, ...model.engine.stats?.() };
  }

  async dispose(modelId: number): Promise<void> {
    const model = this.#models.get(modelId);
    if (model === undefined) return;
    this.#models.delete(modelId);
    model.batcher.close(new DisposedError('the model was disposed while this call was queued'));
    await model.batcher.idle();
    try {
      await model.engine.dispose();
    } finally {
      model.release();
    }
  }

  #model(modelId: number): HostedModel {
    const model = this.#models.get(modelId);
    if (model === undefined) throw new DisposedError('this model has been disposed; load it again to use it');
    return model;
  }
}
