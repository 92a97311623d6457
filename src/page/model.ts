import { transfer } from 'comlink';
import { checkCallOptions } from './call-options.js';
import { abortedError, cancellable, type CallOptions } from './cancellation.js';
import { DisposedError, InputError, WorkerCrashedError } from '../shared/errors.js';
import type { ModelInfo, ModelStats } from '../shared/protocol.js';
import { Outbox } from './outbox.js';
import { canMoveBuffers, moveBuffers, prepareTransfer } from '../shared/transfer.js';
import type { Backend, DtypeMap, DtypesOf, EngineKind, TensorInfo, Tensors, TensorsOf } from '../shared/types.js';
import { validateFeeds } from './validate.js';
import { viaWorker, type WorkerClient } from './worker-client.js';

/** Where a model lives: its worker and its id there. */
export interface Placement {
  client: WorkerClient;
  info: ModelInfo;
}

/** Loads the model again into a fresh worker; undefined when it cannot be (a model given as bytes). */
export type Reload = (() => Promise<Placement>) | undefined;

let nextCallId = 1;

type Call = 'predict' | 'predictBatch';

/** Checks one feeds object; in a predictBatch, the error also says which feeds object was wrong. */
function checkFeeds(what: Call, index: number, feeds: Tensors, inputs: readonly TensorInfo[]): Tensors {
  try {
    return validateFeeds(feeds, inputs);
  } catch (error) {
    if (what === 'predict' || !(error instanceof InputError)) throw error;
    const context = error.input === undefined ? {} : { input: error.input };
    throw new InputError(`predictBatch feeds[${index}]: ${error.message}`, context);
  }
}

/**
 * Test hooks break the worker on purpose: only a page that declares itself a test
 * (`globalThis.__webinferTestHooks = true`, as the test pages do) may call them.
 */
function allowTestHook(name: string): void {
  if ((globalThis as { __webinferTestHooks?: unknown }).__webinferTestHooks !== true) {
    throw new InputError(`${name} is a test hook; set globalThis.__webinferTestHooks = true in a test page to use it`);
  }
}

const disposedError = () => new DisposedError('this model has been disposed; load it again to use it');

/**
 * A loaded model: the page-side handle. It checks feeds and hands their buffers to the worker (to a
 * fresh one, reloading the model, if its worker died); the model itself lives in the worker.
 *
 * `Outputs` types what predict returns when the caller knows the model's output dtypes:
 * `load<{ probs: 'float32' }>(url)` gives a model whose `predict` results have `probs.data` as a
 * Float32Array. Without it, each output may be of any dtype.
 */
export class Model<Outputs extends DtypesOf<Outputs> = DtypeMap> {
  #placement: Placement;
  readonly #reload: Reload;
  #reloading: Promise<Placement> | undefined;
  #disposed = false;
  readonly #outboxes = new WeakMap<Placement, Outbox>();

  /** @internal Made by `load()`. */
  constructor(placement: Placement, reload: Reload) {
    this.#placement = placement;
    this.#reload = reload;
  }

  /** The backend actually used: 'webgpu', 'wasm' (or TF.js's 'cpu', when asked for). */
  get backend(): Backend {
    return this.#placement.info.backend;
  }

  /** Why that backend was chosen, in words (adapter name, or why not WebGPU). */
  get backendReason(): string {
    return this.#placement.info.backendReason;
  }

  get engine(): EngineKind {
    return this.#placement.info.engine;
  }

  get inputs(): readonly TensorInfo[] {
    return this.#placement.info.inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.#placement.info.outputs;
  }

  /**
   * Runs the model on one set of feeds. Input arrays that cover their whole ArrayBuffer are
   * transferred to the worker and are detached (length 0) once this returns; views into a larger
   * buffer are copied instead. Concurrent calls are coalesced into one engine run where possible.
   * `predict<{ probs: 'float32' }>(feeds)` types this call's results, as `load<…>()` does every call's.
   */
  async predict<O extends DtypesOf<O> = Outputs>(feeds: Tensors, options: CallOptions = {}): Promise<TensorsOf<O>> {
    checkCallOptions('predict', options);
    const [outputs] = await this.#run('predict', [feeds], options);
    // The dtypes are the caller's word, not checked: the worker returns what the model produced.
    return outputs as TensorsOf<O>;
  }

  /**
   * Runs many feeds objects; one result per feeds object, each exactly what `predict` would give it.
   * They share one engine run when the model's rows are independent (a symbolic dim 0 that the
   * batch-safety probe verified, or `batch: true`); otherwise, e.g. on a sequence-first model or one
   * that sums or normalises across dim 0, they run one by one, in order. `stats().batching` says which.
   */
  async predictBatch<O extends DtypesOf<O> = Outputs>(
    feedsList: readonly Tensors[],
    options: CallOptions = {},
  ): Promise<TensorsOf<O>[]> {
    checkCallOptions('predictBatch', options);
    if (!Array.isArray(feedsList)) {
      throw new InputError(`predictBatch expects an array of feeds objects, got ${typeof feedsList}`);
    }
    if (feedsList.length === 0) return [];
    return (await this.#run('predictBatch', feedsList, options)) as TensorsOf<O>[];
  }

  /**
   * How many engine runs served how many requests so far (shows coalescing at work), and in
   * `batching` whether this model coalesces calls, and why.
   */
  async stats(): Promise<ModelStats> {
    const { client, info } = await this.#live();
    return viaWorker(client, client.host.stats(info.id));
  }

  /** Frees the model in the worker. Calls still queued reject; later calls reject with DisposedError. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const { client, info } = this.#placement;
    if (client.death === undefined) await viaWorker(client, client.host.dispose(info.id));
  }

  /** @internal Test hook: the worker closes itself, as if the browser had killed it. */
  crashWorkerForTesting(): void {
    allowTestHook('crashWorkerForTesting');
    void this.#placement.client.host.crashForTesting();
  }

  /** @internal Test hook: destroys the model's GPU device (WebGPU only), as a driver reset would. */
  loseDeviceForTesting(): Promise<void> {
    allowTestHook('loseDeviceForTesting');
    const { client, info } = this.#placement;
    return viaWorker(client, client.host.loseDeviceForTesting(info.id));
  }

  #run(what: Call, feedsList: readonly Tensors[], options: CallOptions): Promise<Tensors[]> {
    if (this.#disposed) throw disposedError();
    const checked = feedsList.map((feeds, i) => checkFeeds(what, i, feeds, this.inputs));
    if (options.signal?.aborted) throw abortedError(what, options.signal);
    // The common path stays synchronous up to postMessage: the caller's buffers leave at once.
    if (this.#placement.client.death !== undefined) {
      return cancellable(what, this.#live(), options, () => undefined).then(() => this.#send(what, checked, options));
    }
    return this.#send(what, checked, options);
  }

  #send(what: Call, feedsList: readonly Tensors[], options: CallOptions): Promise<Tensors[]> {
    const { client, info } = this.#placement;
    const listed = new Set<ArrayBuffer>();
    const requests = feedsList.map((feeds) => prepareTransfer(feeds, listed));
    const buffers = canMoveBuffers ? moveBuffers(requests, listed) : listed;
    const callId = nextCallId++;
    const outbox = this.#outbox();
    const { timeoutMs } = options;
    const call = outbox.post(timeoutMs === undefined ? { callId, requests } : { callId, requests, timeoutMs }, buffers);
    const cancel = (): void => {
      if (!outbox.withdraw(callId)) void client.host.cancel(info.id, callId).catch(() => undefined);
    };
    return cancellable(what, call, options, cancel);
  }

  /** The outbox for the current placement (a reload into a fresh worker needs a new one). */
  #outbox(): Outbox {
    const placement = this.#placement;
    let outbox = this.#outboxes.get(placement);
    if (outbox === undefined) {
      const { client, info } = placement;
      outbox = new Outbox((calls, transferred, onOutcomes) => {
        const sent = transfer(calls, transferred);
        if (onOutcomes === undefined) return viaWorker(client, client.host.predict(info.id, sent));
        const callIds = calls.map((call) => call.callId);
        client.replies.expect(callIds, onOutcomes);
        return viaWorker(client, client.host.predict(info.id, sent, true)).catch((error: unknown) => {
          client.replies.forget(callIds);
          throw error;
        });
      }, canMoveBuffers);
      this.#outboxes.set(placement, outbox);
    }
    return outbox;
  }

  /** The model's placement, reloaded into a fresh worker if its worker died. */
  async #live(): Promise<Placement> {
    if (this.#disposed) throw disposedError();
    if (this.#placement.client.death === undefined) return this.#placement;
    if (this.#reload === undefined) {
      throw new WorkerCrashedError(
        'the worker hosting this model stopped, and a model loaded from bytes cannot be reloaded: load it again',
      );
    }
    this.#reloading ??= this.#reload().finally(() => (this.#reloading = undefined));
    const placement = await this.#reloading;
    if (this.#disposed) {
      // Disposed while it was being reloaded: free the fresh copy too.
      await viaWorker(placement.client, placement.client.host.dispose(placement.info.id)).catch(() => undefined);
      throw disposedError();
    }
    this.#placement = placement;
    return placement;
  }
}
