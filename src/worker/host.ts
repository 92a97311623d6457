import { releaseProxy, transfer, type Remote } from 'comlink';
import { AbortError, DisposedError, InferenceError, messageOf, toWire, WebinferError } from '../shared/errors.js';
import type {
  BackendChangeSink,
  HostApi,
  LoadRequest,
  ModelInfo,
  ModelStats,
  OutcomeSink,
  PredictCall,
  PredictOutcome,
  ProgressSink,
  RowShapes,
  StreamSpec,
  TaskCall,
  WarningSink,
  WorkerTiming,
} from '../shared/protocol.js';
import { prepareTransfer, transferablesOf } from '../shared/transfer.js';
import type { BackendChange, LoadProgress, LoadWarning, Tensors } from '../shared/types.js';
import { hostModel, type BatchedModel } from './batching/hosted-model.js';
import type { RunRecord } from './batching/run-log.js';
import { absoluteNow } from '../shared/clock.js';
import type { loadEngine } from './engines/load-engine.js';
import { oversizeOutput } from './output-limit.js';
import { RunWatch, watchdogGraceMs, watched } from './run-watch.js';
import { gpuTensorIn, taskFailure, taskNamed, type TaskModel, type Tasks } from './tasks.js';
import { isResident, type ResidentTensor, type ResidentTensors } from './engines/engine.js';
import { SharedWork } from './shared-work.js';
import { Streams } from './streams.js';
import { madeUpFeeds } from './batching/probe-feeds.js';
import { fastestRun, oneRowShapes } from './time-run.js';

/**
 * How the host starts an engine: load-engine.ts's loadEngine in the worker (main.ts passes it), a fake
 * engine in Node unit tests. A type-only import, so that the host does not pull in the runtimes.
 */
export type LoadEngine = typeof loadEngine;

/** Where one page-side load call hears about the load it joined. */
interface LoadListener {
  onProgress: ProgressSink;
  onWarning: WarningSink;
}

interface HostedModel extends BatchedModel {
  /** What the page is told of it; the backend changes if the model falls back to WASM. */
  info: Omit<ModelInfo, 'id'>;
  /** The page-side handles on it (identical loads share one model): it lives while one does. */
  handles: Set<Handle>;
  /** Stops later loads from joining it: called once its last handle is disposed. */
  forget(): void;
}

/** One page-side Model's hold on a hosted model. */
interface Handle {
  model: HostedModel;
  onBackendChange: Remote<BackendChangeSink> | undefined;
  /** Its calls not yet answered, by callId: disposing the handle drops those still queued. */
  calls: Set<number>;
}

/** A run's failure as the caller sees it: the engine's own error, or an InferenceError saying so. */
function failedRun(error: unknown): WebinferError {
  return error instanceof WebinferError
    ? error
    : new InferenceError(`the run failed: ${messageOf(error)}`, { cause: error });
}

/**
 * Loads that may share one model: the same URL with the same options. A model loaded with
 * `cache: true` is shared while it lives; other cache modes ask for a fresh copy, so they share only a
 * load still under way.
 */
function shareKey(request: LoadRequest): string | undefined {
  if (request.source.kind !== 'url') return undefined;
  const { loadId: _, ...options } = request;
  // Probe feeds are tensors: their values count, and JSON cannot write an int64 array's bigints.
  return JSON.stringify(options, (_key, value: unknown) =>
    ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number | bigint>, String).join(',') : value,
  );
}

/** The worker's side of the SDK: loads models, queues and coalesces their requests, runs them. */
export class Host implements HostApi {
  readonly #handles = new Map<number, Handle>();
  readonly #sharing = new Map<string, SharedWork<HostedModel, LoadListener>>();
  /** Each load under way, by loadId: cancelLoad aborts it. */
  readonly #loads = new Map<number, AbortController>();
  readonly #watch = new RunWatch();
  #replies: MessagePort | undefined;
  readonly #streams = new Streams();
  /** When each request's caller stops waiting (performance.now() here), for the watchdog. */
  readonly #deadlines = new WeakMap<Tensors, number>();
  #nextId = 1;
  readonly #loadEngine: LoadEngine;
  readonly #tasks: Tasks;
  /** Each task under way, by callId: cancelTask aborts it and drops its model calls still queued. */
  readonly #running = new Map<number, { abort: AbortController; models: HostedModel[] }>();

  constructor(startEngine: LoadEngine, tasks: Tasks = {}) {
    this.#loadEngine = startEngine;
    this.#tasks = tasks;
  }

  async load(
    request: LoadRequest,
    onProgress?: Remote<ProgressSink>,
    onWarning?: Remote<WarningSink>,
    onBackendChange?: Remote<BackendChangeSink>,
  ): Promise<ModelInfo> {
    const shared = this.#sharedLoad(request);
    const cancel = new AbortController();
    this.#loads.set(request.loadId, cancel);
    const listener = {
      onProgress: (progress: LoadProgress) => void onProgress?.(progress),
      onWarning: (warning: LoadWarning) => void onWarning?.(warning),
    };
    try {
      const model = await shared.join(listener, cancel.signal, 'the load');
      const id = this.#nextId++;
      const handle = { model, onBackendChange, calls: new Set<number>() };
      model.handles.add(handle);
      this.#handles.set(id, handle);
      return { id, ...model.info };
    } catch (error) {
      onBackendChange?.[releaseProxy]();
      throw error;
    } finally {
      this.#loads.delete(request.loadId);
      onProgress?.[releaseProxy]();
      onWarning?.[releaseProxy]();
    }
  }

  cancelLoad(loadId: number): void {
    this.#loads.get(loadId)?.abort();
  }

  /** The load `request` joins: an identical one under way (or live, see shareKey), or a new one. */
  #sharedLoad(request: LoadRequest): SharedWork<HostedModel, LoadListener> {
    const key = shareKey(request);
    const existing = key === undefined ? undefined : this.#sharing.get(key);
    if (existing !== undefined && !existing.abandoned && (!existing.settled || request.cache === true)) return existing;
    const forget = () => {
      if (key !== undefined && this.#sharing.get(key) === shared) this.#sharing.delete(key);
    };
    const shared = new SharedWork<HostedModel, LoadListener>((listeners, signal) => {
      const sinks: LoadListener = {
        onProgress: (progress) => {
          for (const listener of listeners) listener.onProgress(progress);
        },
        onWarning: (warning) => {
          for (const listener of listeners) listener.onWarning(warning);
        },
      };
      return this.#startModel(request, sinks, signal, forget);
    });
    if (key !== undefined) this.#sharing.set(key, shared);
    // Every caller gave up, but the model came up before the abort could stop it: nobody holds it.
    shared.result.then((model) => {
      if (shared.abandoned) void this.#free(model);
    }, forget);
    return shared;
  }

  async #startModel(
    request: LoadRequest,
    sinks: LoadListener,
    signal: AbortSignal,
    forget: () => void,
  ): Promise<HostedModel> {
    const handles = new Set<Handle>();
    let info: HostedModel['info'] | undefined;
    const onBackendChange = (change: BackendChange) => {
      if (info !== undefined) info.backend = change.to;
      if (info !== undefined) info.backendReason = change.reason;
      for (const handle of handles) void handle.onBackendChange?.(change);
    };
    const { engine, choice, modelBytes, probe, provenance } = await this.#loadEngine(
      request,
      { ...sinks, onBackendChange },
      signal,
    );
    const what = `a run of model ${request.source.kind === 'url' ? request.source.url : '(bytes)'}`;
    const limits = { watch: this.#watch, what, maxRunMs: request.maxRunMs, deadlines: this.#deadlines };
    const hosted = hostModel(engine, request.batch, (run) => watched(run, limits));
    // One GPU device serves every replica: its run time says nothing about what more workers would buy.
    const shapes = request.timeRun && choice.backend !== 'webgpu' ? oneRowShapes(engine.inputs) : undefined;
    const runMs = shapes === undefined ? undefined : await timeOneRow(hosted, shapes);
    info = {
      engine: request.engine,
      backend: choice.backend,
      backendReason: choice.reason,
      inputs: engine.inputs,
      outputs: engine.outputs,
      modelBytes,
      provenance,
      ...(runMs === undefined ? {} : { runMs }),
      ...(probe === undefined ? {} : { probe }),
    };
    return { ...hosted, info, handles, forget };
  }

  async predict(modelId: number, calls: PredictCall[], byRun = false): Promise<PredictOutcome[]> {
    const { model, calls: pending } = this.#handle(modelId);
    const receivedAt = performance.now();
    const arrivedAt = absoluteNow();
    for (const { requests, timeoutMs } of calls) {
      for (const feeds of requests) model.log.arrived(feeds);
      if (timeoutMs !== undefined) for (const feeds of requests) this.#deadlines.set(feeds, receivedAt + timeoutMs);
    }
    // The call's timing, for a caller who asked (onTiming): when it arrived, the run(s) that served it.
    const timingOf = ({ requests, timing }: PredictCall): WorkerTiming | undefined => {
      const runs = timing ? requests.map((feeds) => model.log.runOf(feeds)) : [];
      const [first] = runs;
      if (first === undefined || runs.some((run) => run === undefined)) return undefined;
      const served = runs as RunRecord[];
      return {
        ...first,
        receivedAt: arrivedAt,
        runStart: Math.min(...served.map((run) => run.runStart)),
        runEnd: Math.max(...served.map((run) => run.runEnd)),
      };
    };
    const running = calls.map(({ callId, requests, stream }) => {
      pending.add(callId);
      const push = (feeds: Tensors) => model.batcher.push(feeds, callId);
      const results = Promise.all(requests.map((feeds) => this.#streams.run(stream, feeds, callId, push)));
      return results.finally(() => pending.delete(callId));
    });
    const replies = this.#replies;
    if (byRun && replies !== undefined) {
      await answerEach(calls, running, timingOf, (outcomes, buffers) => replies.postMessage(outcomes, buffers));
      return [];
    }
    const buffers = new Set<ArrayBuffer>();
    const settled = await Promise.allSettled(running);
    const outcomes = settled.map((each, i) => outcomeOf(each, buffers, timingOf(calls[i] as PredictCall)));
    return transfer(outcomes, [...buffers]);
  }

  openStream(modelId: number, streamId: number, spec: StreamSpec): void {
    this.#handle(modelId);
    this.#streams.open(streamId, modelId, spec);
  }

  closeStream(streamId: number): void {
    this.#streams.close(streamId);
  }

  timeRun(modelId: number, shapes: RowShapes): Promise<number | undefined> {
    return timeOneRow(this.#handle(modelId).model, shapes);
  }

  tasks(): string[] {
    return Object.keys(this.#tasks);
  }

  async runTask({ callId, task: name, input, models: ids, timeoutMs }: TaskCall): Promise<unknown> {
    const task = taskNamed(this.#tasks, name);
    const handles = Object.entries(ids).map(([modelName, id]) => [modelName, this.#handle(id)] as const);
    const abort = new AbortController();
    this.#running.set(callId, { abort, models: handles.map(([, handle]) => handle.model) });
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    // What the task's runs leave on the GPU, disposed when it ends: a task cannot leak GPU memory.
    const kept: ResidentTensor[] = [];
    const call = { callId, deadline, signal: abort.signal, kept };
    const models = Object.fromEntries(
      handles.map(([modelName, { model }]) => [modelName, this.#taskModel(model, call)]),
    );
    // App code may loop for ever as surely as a model run: the watchdog bounds the whole task.
    const watchMs = timeoutMs === undefined ? undefined : timeoutMs + watchdogGraceMs;
    try {
      const result = await this.#watch.around(watchMs, `task '${name}'`, async () =>
        task(input as never, { models, signal: abort.signal }),
      );
      const onGpu = gpuTensorIn(result);
      if (onGpu !== undefined) throw new Error(`its result holds a GPU tensor at '${onGpu}': download() it first`);
      // Comlink keys its transfer lists by the value: a primitive result has nothing to transfer anyway.
      return typeof result === 'object' && result !== null ? transfer(result, transferablesOf(result)) : result;
    } catch (error) {
      throw taskFailure(name, error, abort.signal);
    } finally {
      this.#running.delete(callId);
      for (const tensor of kept) tensor.dispose();
    }
  }

  /** A task's view of one model: its runs join the model's queue under the task's callId. */
  #taskModel(model: HostedModel, call: TaskRun): TaskModel {
    const { callId, deadline, signal, kept } = call;
    const run = async (feeds: ResidentTensors, options?: { keep: 'gpu' }): Promise<ResidentTensors> => {
      signal.throwIfAborted();
      if (deadline !== undefined) this.#deadlines.set(feeds as Tensors, deadline);
      const keep = options?.keep === 'gpu';
      const onGpu = Object.values(feeds).some(isResident);
      if (!keep && !onGpu) return model.batcher.push(feeds as Tensors, callId);
      // An engine with no GPU residency (TF.js) takes plain tensors, and gives them.
      if (model.engine.runResident === undefined) return model.batcher.push(await downloaded(feeds), callId);
      const outputs = await model.runResident(feeds, keep, callId);
      for (const tensor of Object.values(outputs)) if (isResident(tensor)) kept.push(tensor);
      return outputs;
    };
    return {
      inputs: model.info.inputs,
      outputs: model.info.outputs,
      get backend() {
        return model.info.backend;
      },
      run: run as TaskModel['run'],
    };
  }

  cancelTask(callId: number): void {
    const running = this.#running.get(callId);
    if (running === undefined) return;
    running.abort.abort(new AbortError('the task was cancelled'));
    const dropped = new AbortError('the task was cancelled while its model call was queued');
    for (const model of running.models) model.batcher.cancel(callId, dropped);
  }

  cancel(modelId: number, callId: number): void {
    this.#handles.get(modelId)?.model.batcher.cancel(callId, new AbortError('the call was cancelled while queued'));
    this.#streams.drop(callId, new AbortError('the call was cancelled while queued'));
  }

  watch(port: MessagePort): void {
    this.#watch.connect(port);
  }

  replyOn(port: MessagePort): void {
    this.#replies = port;
  }

  holdLock(name: string): Promise<void> {
    return new Promise((acquired) => {
      void navigator.locks.request(name, () => {
        acquired();
        return new Promise(() => undefined);
      });
    });
  }

  /** @internal Test hook (see HostApi). */
  async loseDeviceForTesting(modelId: number): Promise<void> {
    const device = this.#handle(modelId).model.engine.device;
    device?.loseForTesting();
    // Answer once the loss is known (the failover has heard it first): a run started between the
    // device's destruction and its lost event could wait on the dead device for ever.
    await device?.lost;
  }

  /** @internal Test hook (see HostApi). */
  gpuBuffersForTesting(modelId: number): number | undefined {
    return this.#handle(modelId).model.engine.device?.liveBuffersForTesting();
  }

  /** @internal Test hook (see HostApi). */
  crashForTesting(): void {
    // Closing discards every message still queued, as a crash would.
    self.close();
  }

  stats(modelId: number): ModelStats {
    const { model } = this.#handle(modelId);
    return { ...model.stats, latency: model.log.latency(), ...model.engine.stats?.() };
  }

  async dispose(modelId: number): Promise<void> {
    const handle = this.#handles.get(modelId);
    if (handle === undefined) return;
    this.#handles.delete(modelId);
    handle.onBackendChange?.[releaseProxy]();
    const { model } = handle;
    model.handles.delete(handle);
    const disposed = new DisposedError('the model was disposed while this call was queued');
    this.#streams.closeOwnedBy(modelId, disposed);
    if (model.handles.size > 0) {
      // Another Model still uses it: only this handle's queued calls go.
      for (const callId of handle.calls) model.batcher.cancel(callId, disposed);
      return;
    }
    await this.#free(model, disposed);
  }

  async #free(model: HostedModel, reason = new DisposedError('the model was disposed')): Promise<void> {
    model.forget();
    model.batcher.close(reason);
    await model.batcher.idle();
    await model.engine.dispose();
  }

  #handle(modelId: number): Handle {
    const handle = this.#handles.get(modelId);
    if (handle === undefined) throw new DisposedError('this model has been disposed; load it again to use it');
    return handle;
  }
}

/** One task under way, as its models' runs see it. */
interface TaskRun {
  callId: number;
  deadline: number | undefined;
  signal: AbortSignal;
  /** GPU tensors its runs left, disposed when it ends. */
  kept: ResidentTensor[];
}

/** Feeds with every GPU-resident tensor copied to the CPU. */
async function downloaded(feeds: ResidentTensors): Promise<Tensors> {
  const entries = Object.entries(feeds).map(async ([name, value]) => [
    name,
    isResident(value) ? await value.download() : value,
  ]);
  return Object.fromEntries(await Promise.all(entries)) as Tensors;
}

/** A call's outcome, its output buffers added to `buffers` for transfer. */
function outcomeOf(
  settled: PromiseSettledResult<Tensors[]>,
  buffers: Set<ArrayBuffer>,
  timing: WorkerTiming | undefined,
): PredictOutcome {
  if (settled.status === 'rejected') return { error: toWire(failedRun(settled.reason)) };
  // One output too large to post would fail the whole reply: only its own call rejects.
  const oversize = settled.value.map(oversizeOutput).find((error) => error !== undefined);
  if (oversize !== undefined) return { error: toWire(oversize) };
  const results = settled.value.map((outputs) => prepareTransfer(outputs, buffers));
  return timing === undefined ? { results } : { results, timing };
}

/**
 * Answers each call as soon as it settles, so that the first callers of a burst do not wait for its
 * last run. The calls one run serves settle in the same turn of the microtask queue and share a
 * reply. No answer is held back for a later run: that run may never end, and the watchdog that ends
 * it ends this worker too. Resolves once every call has been answered.
 */
async function answerEach(
  calls: PredictCall[],
  running: Promise<Tensors[]>[],
  timingOf: (call: PredictCall) => WorkerTiming | undefined,
  post: (outcomes: Parameters<OutcomeSink>[0], transfer: ArrayBuffer[]) => void,
): Promise<void> {
  let ready: Array<[number, PredictOutcome]> = [];
  let buffers = new Set<ArrayBuffer>();
  const send = () => {
    post(ready, [...buffers]);
    ready = [];
    buffers = new Set();
  };
  await Promise.all(
    running.map(async (results, i) => {
      const [settled] = await Promise.allSettled([results]);
      if (ready.length === 0) queueMicrotask(send);
      const call = calls[i] as PredictCall;
      ready.push([call.callId, outcomeOf(settled as PromiseSettledResult<Tensors[]>, buffers, timingOf(call))]);
    }),
  );
}

/** One warm single-row run on made-up feeds of `shapes`, timed alone between the callers' runs (ms). */
function timeOneRow(model: BatchedModel, shapes: RowShapes): Promise<number | undefined> {
  return fastestRun(() => model.timeAlone(madeUpFeeds(shapes)));
}
