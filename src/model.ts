import { transfer } from 'comlink';
import { DisposedError, InputError } from './errors.js';
import type { ModelInfo, ModelStats } from './protocol.js';
import { prepareTransfer } from './tensor.js';
import type { Backend, EngineKind, TensorInfo, Tensors } from './types.js';
import { validateFeeds } from './validate.js';
import { viaWorker, type WorkerClient } from './worker-client.js';

/**
 * A loaded model: the page-side handle. It checks feeds, hands their buffers to the worker, and
 * nothing else; the model itself lives in the worker.
 */
export class Model {
  readonly #client: WorkerClient;
  readonly #info: ModelInfo;
  #disposed = false;

  /** @internal Made by `load()`. */
  constructor(client: WorkerClient, info: ModelInfo) {
    this.#client = client;
    this.#info = info;
  }

  /** The backend actually used: 'webgpu' or 'wasm'. */
  get backend(): Backend {
    return this.#info.backend;
  }

  /** Why that backend was chosen, in words (adapter name, or why not WebGPU). */
  get backendReason(): string {
    return this.#info.backendReason;
  }

  get engine(): EngineKind {
    return this.#info.engine;
  }

  get inputs(): readonly TensorInfo[] {
    return this.#info.inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.#info.outputs;
  }

  /**
   * Runs the model on one set of feeds. Input arrays that cover their whole ArrayBuffer are
   * transferred to the worker and are detached (length 0) once this returns; views into a larger
   * buffer are copied instead. Concurrent calls are coalesced into one engine run where possible.
   */
  async predict(feeds: Tensors): Promise<Tensors> {
    const [outputs] = await this.#run([feeds]);
    return outputs as Tensors;
  }

  /** Runs many feeds objects as one engine run where the model allows; one result per feeds object. */
  async predictBatch(feedsList: readonly Tensors[]): Promise<Tensors[]> {
    if (!Array.isArray(feedsList)) {
      throw new InputError(`predictBatch expects an array of feeds objects, got ${typeof feedsList}`);
    }
    if (feedsList.length === 0) return [];
    return this.#run(feedsList);
  }

  /** How many engine runs served how many requests so far: shows coalescing at work. */
  async stats(): Promise<ModelStats> {
    if (this.#disposed) throw new DisposedError('this model has been disposed; load it again to use it');
    return viaWorker(this.#client, this.#client.host.stats(this.#info.id));
  }

  /** Frees the model in the worker. Calls still queued reject; later calls reject with DisposedError. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await viaWorker(this.#client, this.#client.host.dispose(this.#info.id));
  }

  #run(feedsList: readonly Tensors[]): Promise<Tensors[]> {
    if (this.#disposed) throw new DisposedError('this model has been disposed; load it again to use it');
    const checked = feedsList.map((feeds) => validateFeeds(feeds, this.#info.inputs));
    const buffers = new Set<ArrayBuffer>();
    const requests = checked.map((feeds) => prepareTransfer(feeds, buffers));
    return viaWorker(this.#client, this.#client.host.predict(this.#info.id, transfer(requests, [...buffers])));
  }
}
