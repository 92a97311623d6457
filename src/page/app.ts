import { transfer } from 'comlink';
import { checkCallOptions } from './call-options.js';
import { abortedError, cancellable, type CallOptions } from './cancellation.js';
import { didYouMean } from './did-you-mean.js';
import { DisposedError, InputError, WorkerCrashedError } from '../shared/errors.js';
import { allowTestHook, type Model } from './model.js';
import type { TaskCall } from '../shared/protocol.js';
import { transferablesOf } from '../shared/transfer.js';
import { viaWorker, type WorkerClient } from './worker-client.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * The tasks of an app's worker as the page types them: `connect<typeof tasks>(…)` with the object
 * the worker passes to `serve({ tasks })` gives `run` its input and result types.
 */
export type TaskTypes = Record<string, (input: never, context: never) => unknown>;

type InputOf<F> = F extends (input: infer I, context: never) => unknown ? I : never;

let nextCallId = 1;

/**
 * An app's own worker, connected (see `connect`): its tasks run there beside its models. A task's
 * input and result cross the thread boundary once each, their typed arrays transferred; everything
 * between (model outputs feeding the next model, crops, decoding) stays in the worker.
 */
export class App<T extends TaskTypes = Record<string, (input: unknown, context: never) => unknown>> {
  /** The names of the tasks the worker serves. */
  readonly tasks: readonly string[];
  /** The app's models, by name: usable from the page too (`predict`), on the same worker. */
  readonly models: Readonly<Record<string, Model>>;
  readonly #pool: WorkerPool;
  #client: WorkerClient;
  #disposed = false;

  /** @internal Made by `connect()`. */
  constructor(pool: WorkerPool, client: WorkerClient, tasks: readonly string[], models: Record<string, Model>) {
    this.#pool = pool;
    this.#client = client;
    this.tasks = tasks;
    this.models = models;
  }

  /**
   * Runs the worker's task `name` on `input`. Typed arrays in `input` that cover their whole buffer,
   * and ImageBitmaps, are transferred (detached here). Rejects with the task's error (a TaskError for
   * whatever app code threw), AbortError on `signal` or `timeoutMs`, WorkerCrashedError if the worker
   * dies (the next call restarts it, when `connect` was given a function that makes it).
   */
  async run<K extends keyof T & string>(
    name: K,
    input: InputOf<T[K]>,
    options: CallOptions = {},
  ): Promise<Awaited<ReturnType<T[K]>>> {
    checkCallOptions('run', options);
    if (this.#disposed) throw new DisposedError('this app has been disposed; connect again to use it');
    this.#checkTask(name);
    if (options.signal?.aborted) throw abortedError(`task '${name}'`, options.signal);
    const { client, models } = await this.#placed();
    const callId = nextCallId++;
    const call: TaskCall = { callId, task: name, input, models };
    if (options.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs;
    const running = viaWorker(client, client.host.runTask(transfer(call, transferablesOf(input))));
    const cancel = () => void client.host.cancelTask(callId).catch(() => undefined);
    return (await cancellable(`task '${name}'`, running, options, cancel)) as Awaited<ReturnType<T[K]>>;
  }

  /** Frees the models and ends the worker; later calls reject with DisposedError. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.allSettled(Object.values(this.models).map((model) => model.dispose()));
    this.#pool.release(this.#client);
    this.#client.stop('the app was disposed');
  }

  /**
   * @internal Test hook: the GPU buffers alive on the device of the model `name` (WebGPU only),
   * counted from the first call.
   */
  async gpuBuffersForTesting(name: string): Promise<number | undefined> {
    allowTestHook('gpuBuffersForTesting');
    const { client, models } = await this.#placed();
    return viaWorker(client, client.host.gpuBuffersForTesting(models[name] as number));
  }

  #checkTask(name: string): void {
    if (this.tasks.includes(name)) return;
    const meant = didYouMean(name, this.tasks);
    const served = this.tasks.length === 0 ? 'none' : this.tasks.map((task) => `'${task}'`).join(', ');
    throw new InputError(
      `the app's worker serves no task '${name}'${meant === undefined ? `; it serves ${served}` : ` (did you mean '${meant}'?)`}`,
    );
  }

  /**
   * The live worker and the ids of the models on it. After a crash the app takes a fresh worker
   * from its pool (of one) and the models reload onto it.
   */
  async #placed(): Promise<{ client: WorkerClient; models: Record<string, number> }> {
    if (this.#client.death !== undefined) this.#client = this.#pool.acquire(1)[0] as WorkerClient;
    const client = this.#client;
    const names = Object.keys(this.models);
    const placements = await Promise.all(names.map((name) => (this.models[name] as Model).placementForTask()));
    const models: Record<string, number> = {};
    for (const [i, placement] of placements.entries()) {
      if (placement.client !== client) throw new WorkerCrashedError("the app's worker stopped while the call started");
      models[names[i] as string] = placement.info.id;
    }
    return { client, models };
  }
}
