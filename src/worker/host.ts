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
import { prepareTransfer } from '../tensor.js';
import type { BackendChange, LoadProgress, LoadWarning, Tensors } from '../types.js';
import { Batcher } from './batcher.js';
import type { Engine } from './engine.js';
import { hostModel } from './hosted-model.js';
import { loadEngine } from './load-engine.js';

interface HostedModel {
  engine: Engine;
  batcher: Batcher<Tensors, Tensors>;
  stats: ModelStats;
  /** Lets go of the page's callbacks kept for the model's life. */
  release(): void;
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
      const { engine, choice } = await loadEngine(request, sinks);
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
