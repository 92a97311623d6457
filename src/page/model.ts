import { checkCallOptions } from './call-options.js';
import { abortedError, cancellable, type CallOptions } from './cancellation.js';
import { DisposedError, InputError, WorkerCrashedError } from '../shared/errors.js';
import type { WorkerChoice } from './auto-workers.js';
import type { ModelInfo, ModelStats, ProbeReport, Provenance, RowShapes } from '../shared/protocol.js';
import { Replica, type Placement } from './replica.js';
import { ModelStream, type StreamModel } from './model-stream.js';
import type { StreamOptions } from './stream-options.js';
import type { Backend, DtypeMap, DtypesOf, EngineKind, TensorInfo, Tensors, TensorsOf } from '../shared/types.js';
import { validateFeeds } from './validate.js';
import { viaWorker, type WorkerClient } from './worker-client.js';

/**
 * Loads the model again into a fresh worker, one not in `avoid` (those hosting its other replicas);
 * undefined when it cannot be (a model given as bytes).
 */
export type Reload = ((avoid: ReadonlySet<WorkerClient>) => Promise<Placement>) | undefined;

/** Decides `workers: 'auto'` from a single-row run time measured later (undefined: not measurable). */
export type DecideWorkers = (runMs: number | undefined) => WorkerChoice;

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
export function allowTestHook(name: string): void {
  if ((globalThis as { __webinferTestHooks?: unknown }).__webinferTestHooks !== true) {
    throw new InputError(`${name} is a test hook; set globalThis.__webinferTestHooks = true in a test page to use it`);
  }
}

const disposedError = () => new DisposedError('this model has been disposed; load it again to use it');

/** The counters of several replicas as one model's. */
function mergeStats(all: ModelStats[]): ModelStats {
  const [first] = all as [ModelStats, ...ModelStats[]];
  const merged: ModelStats = {
    ...first,
    runs: all.reduce((sum, stats) => sum + stats.runs, 0),
    requests: all.reduce((sum, stats) => sum + stats.requests, 0),
    largestRun: Math.max(...all.map((stats) => stats.largestRun)),
  };
  const tensors = all.map((stats) => stats.engineTensors).filter((count) => count !== undefined);
  if (tensors.length > 0) merged.engineTensors = tensors.reduce((sum, count) => sum + count, 0);
  if (all.length > 1) merged.byWorker = all.map(({ runs, requests }) => ({ runs, requests }));
  return merged;
}

/**
 * A loaded model: the page-side handle. It checks feeds and hands their buffers to one of the
 * model's replicas (each a copy of the model in its own worker): the one with the fewest rows in
 * flight. A replica whose worker died is replaced by a fresh copy while the others serve.
 *
 * `Outputs` types what predict returns when the caller knows the model's output dtypes:
 * `load<{ probs: 'float32' }>(url)` gives a model whose `predict` results have `probs.data` as a
 * Float32Array. Without it, each output may be of any dtype.
 */
export class Model<Outputs extends DtypesOf<Outputs> = DtypeMap> {
  readonly #replicas: Replica[];
  readonly #reload: Reload;
  readonly #reviving = new Map<Replica, Promise<Replica>>();
  #workersReason: string;
  /** 'auto' still to decide, from the run time on the first call's shapes (see placeReplicas). */
  #decideLater: DecideWorkers | undefined;
  #disposed = false;
  /** Its streams still open: disposing the model ends them. */
  readonly #streams = new Set<ModelStream>();

  /** @internal Made by `load()`. */
  constructor(placements: readonly Placement[], reload: Reload, workers: { reason: string; later?: DecideWorkers }) {
    this.#replicas = placements.map((placement) => new Replica(placement));
    this.#reload = reload;
    this.#workersReason = workers.reason;
    this.#decideLater = workers.later;
  }

  get #info(): ModelInfo {
    return (this.#replicas[0] as Replica).placement.info;
  }

  /** The backend actually used: 'webgpu', 'wasm' (or TF.js's 'cpu', when asked for). */
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
   * What the WebGPU probe found, when 'auto' would have picked WebGPU (see the load option `probe`):
   * which backend it chose and why, the times and differences it measured, whether it was a stored
   * verdict. Undefined when no probe applied (no WebGPU adapter, a backend asked for by name, `probe: false`).
   */
  get probe(): ProbeReport | undefined {
    return this.#info.probe;
  }

  /**
   * What produces this model's results: the model file's SHA-256, the engine, the runtime and its
   * version, the backend (and adapter), the thread count, and whether the load asked for
   * `deterministic`. Log it beside a result (see `outputDigest`) to tell runs' setups apart.
   */
  get provenance(): Provenance {
    const { provenance, backend } = this.#info;
    const { adapter, ...rest } = provenance;
    return { ...rest, backend, ...(backend === 'webgpu' && adapter !== undefined && { adapter }) };
  }

  /** How many workers hold a copy of the model (see the load option `workers`). */
  get workers(): number {
    return this.#replicas.length;
  }

  /** Why that many, in words: "2 workers: a single-row run takes 2.61 ms, 2 cores, …". */
  get workersReason(): string {
    return this.#workersReason;
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
   * A sequence of calls answered in order, e.g. audio chunk by chunk. With `state: { stateN: 'state' }`
   * the model's recurrent state stays in the worker: each call is fed the output `stateN` of the one
   * before as its input `state` (zeros at first, or `initial`), and neither crosses to the page. See
   * ModelStream for `predict`, `results(source, { maxInFlight, signal })`, `transform()` and `close()`.
   */
  stream<O extends DtypesOf<O> = Outputs>(options: StreamOptions = {}): ModelStream<O> {
    if (this.#disposed) throw disposedError();
    const model: StreamModel = {
      inputs: this.inputs,
      outputs: this.outputs,
      run: (feeds, callOptions) => this.#run('predict', [feeds], callOptions).then(([outputs]) => outputs as Tensors),
      replica: () => this.#pick() ?? this.#live(),
      forget: (stream) => this.#streams.delete(stream),
    };
    const stream = new ModelStream<O>(model, options);
    this.#streams.add(stream as ModelStream);
    return stream;
  }

  /**
   * How many engine runs served how many requests so far (shows coalescing at work), and in
   * `batching` whether this model coalesces calls, and why.
   */
  async stats(): Promise<ModelStats> {
    await this.#live();
    // A replica being replaced counts once it is back.
    await Promise.allSettled(this.#reviving.values());
    const live = this.#replicas.filter((replica) => replica.death === undefined);
    return mergeStats(await Promise.all(live.map((replica) => replica.stats())));
  }

  /** Frees the model in the worker. Calls still queued reject; later calls reject with DisposedError. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const stream of this.#streams) stream.end(disposedError());
    this.#streams.clear();
    await Promise.all(this.#replicas.map((replica) => replica.dispose()));
  }

  /** @internal Where an app's task finds this model: a live replica (revived if its worker died). */
  async placementForTask(): Promise<Placement> {
    return (await this.#live()).placement;
  }

  /** @internal Test hook: the worker of one replica closes itself, as if the browser had killed it. */
  crashWorkerForTesting(replica = 0): void {
    allowTestHook('crashWorkerForTesting');
    void this.#replica(replica).placement.client.host.crashForTesting();
  }

  /** @internal Test hook: destroys the model's GPU device (WebGPU only), as a driver reset would. */
  loseDeviceForTesting(replica = 0): Promise<void> {
    allowTestHook('loseDeviceForTesting');
    const { client, info } = this.#replica(replica).placement;
    return viaWorker(client, client.host.loseDeviceForTesting(info.id));
  }

  #replica(index: number): Replica {
    const replica = this.#replicas[index];
    if (replica === undefined)
      throw new InputError(`this model has ${this.#replicas.length} replica(s), not ${index + 1}`);
    return replica;
  }

  #run(what: Call, feedsList: readonly Tensors[], options: CallOptions): Promise<Tensors[]> {
    if (this.#disposed) throw disposedError();
    const checked = feedsList.map((feeds, i) => checkFeeds(what, i, feeds, this.inputs));
    if (options.signal?.aborted) throw abortedError(what, options.signal);
    // The common path stays synchronous up to postMessage: the caller's buffers leave at once.
    const replica = this.#pick();
    if (replica !== undefined) {
      const sent = replica.send(what, checked, options);
      if (this.#decideLater !== undefined) this.#growFor(checked[0] as Tensors, this.#decideLater);
      return sent;
    }
    return cancellable(what, this.#live(), options, () => undefined).then((live) => live.send(what, checked, options));
  }

  /**
   * Decides 'auto' from one row of the first call's shapes, timed in the worker after that call, and
   * adds the replicas it asks for; until then the model serves from one.
   */
  #growFor(feeds: Tensors, decide: DecideWorkers): void {
    this.#decideLater = undefined;
    const shapes: RowShapes = {};
    for (const { name, shape } of this.inputs) {
      const tensor = feeds[name];
      // An input left out: no shapes to time, so one worker it stays.
      if (tensor === undefined) {
        this.#workersReason = decide(undefined).reason;
        return;
      }
      const { dtype, dims } = tensor;
      shapes[name] = {
        dtype,
        dims: shape.length === 0 || typeof shape[0] === 'number' ? [...dims] : [1, ...dims.slice(1)],
      };
    }
    void this.#grow(decide, shapes);
  }

  async #grow(decide: DecideWorkers, shapes: RowShapes): Promise<void> {
    const runMs = await (this.#replicas[0] as Replica).timeRun(shapes).catch(() => undefined);
    const choice = decide(runMs);
    while (this.#replicas.length < choice.count && !this.#disposed && this.#reload !== undefined) {
      const avoid = new Set(this.#replicas.map((replica) => replica.placement.client));
      const placement = await this.#reload(avoid).catch(() => undefined);
      if (placement === undefined) break;
      const replica = new Replica(placement);
      if (this.#disposed) return void replica.dispose().catch(() => undefined);
      this.#replicas.push(replica);
    }
    // Said once the replicas are up, so that a reason naming N workers means N serve.
    const placed = this.#replicas.length;
    this.#workersReason =
      placed < choice.count ? `${placed} of ${choice.reason}: no more could be placed` : choice.reason;
  }

  /** The live replica with the fewest rows in flight; dead ones start being replaced meanwhile. */
  #pick(): Replica | undefined {
    let best: Replica | undefined;
    let dead = false;
    for (const replica of this.#replicas) {
      if (replica.death !== undefined) dead = true;
      else if (best === undefined || replica.rows < best.rows) best = replica;
    }
    if (dead) this.#reviveDead();
    return best;
  }

  #reviveDead(): void {
    for (const replica of this.#replicas.filter((candidate) => candidate.death !== undefined)) {
      this.#revive(replica).catch(() => undefined);
    }
  }

  /** A live replica: when every worker has died, the first replacement to come up. */
  async #live(): Promise<Replica> {
    if (this.#disposed) throw disposedError();
    const replica = this.#pick();
    if (replica !== undefined) return replica;
    return this.#revive(this.#replicas[0] as Replica);
  }

  /** Replaces a dead replica by a copy in a fresh worker; concurrent callers share one reload. */
  #revive(dead: Replica): Promise<Replica> {
    let reviving = this.#reviving.get(dead);
    if (reviving === undefined) {
      reviving = this.#replace(dead).finally(() => this.#reviving.delete(dead));
      this.#reviving.set(dead, reviving);
    }
    return reviving;
  }

  async #replace(dead: Replica): Promise<Replica> {
    if (this.#reload === undefined) {
      this.#drop(dead);
      throw new WorkerCrashedError(
        'the worker hosting this model stopped, and a model loaded from bytes cannot be reloaded: load it again',
      );
    }
    const others = this.#replicas.filter((replica) => replica !== dead && replica.death === undefined);
    let placement: Placement;
    try {
      placement = await this.#reload(new Set(others.map((replica) => replica.placement.client)));
    } catch (error) {
      // The others serve on; with none left, the next call tries again.
      this.#drop(dead);
      throw error;
    }
    const fresh = new Replica(placement);
    if (this.#disposed) {
      // Disposed while it was being reloaded: free the fresh copy too.
      await fresh.dispose().catch(() => undefined);
      throw disposedError();
    }
    this.#replicas[this.#replicas.indexOf(dead)] = fresh;
    return fresh;
  }

  /** Forgets a replica that cannot be replaced, unless it is the last. */
  #drop(dead: Replica): void {
    if (this.#replicas.length > 1) this.#replicas.splice(this.#replicas.indexOf(dead), 1);
  }
}
