import { App, type TaskTypes } from './app.js';
import { cancellable } from './cancellation.js';
import { AbortError, messageOf } from '../shared/errors.js';
import { loadChecks } from './load-options.js';
import { loadInto } from './load.js';
import type { Model } from './model.js';
import { checkOptions, isPlainObject, type OptionCheck, rule } from './option-checks.js';
import type { LoadOptions, ModelSource } from '../shared/types.js';
import { viaWorker, type WorkerClient, type WorkerSource } from './worker-client.js';
import { WorkerPool } from './worker-pool.js';

/** Load options that make sense for a model on an app's worker: it has one worker, the app's own. */
export type AppModelOptions = Omit<LoadOptions, 'workers' | 'baseUrl'>;

/** One of an app's models: its source, with load options of its own if it needs them. */
export type AppModel = ModelSource | ({ source: ModelSource } & AppModelOptions);

export interface ConnectOptions extends AppModelOptions {
  /** The models the app's tasks use, by the names they use (`context.models.det`). */
  models?: Readonly<Record<string, AppModel>>;
}

const { workers: _workers, baseUrl: _baseUrl, ...modelChecks } = loadChecks;
const connectChecks: Readonly<Record<keyof ConnectOptions, OptionCheck>> = {
  ...modelChecks,
  models: rule('an object of model sources by name', isPlainObject),
};

/** The app's worker as the pool starts it: made by the app's function, or given once. */
function appWorker(worker: Worker | (() => Worker)): WorkerSource {
  let given: Worker | undefined = typeof worker === 'function' ? undefined : worker;
  const create = (): Worker => {
    if (typeof worker === 'function') return worker();
    if (given === undefined) {
      throw new Error(
        'it was given as a Worker, which cannot be started again; pass a function that makes one ' +
          '(() => new Worker(…)) to have it restarted',
      );
    }
    const first = given;
    given = undefined;
    return first;
  };
  return { create, name: "the app's worker", hint: '', explain: messageOf };
}

/**
 * Connects an app's own worker: its entry module imports `serve` from 'webinfer/worker' and registers
 * named tasks, and the page passes that worker here (`() => new Worker(new URL('./app.worker.js',
 * import.meta.url), { type: 'module' })`, which bundlers build; a function lets webinfer restart it
 * after a crash). `models` are loaded into it for the tasks to use; the other options apply to each.
 * `timeoutMs` and `signal` bound the whole connection, the worker's start included.
 */
export async function connect<T extends TaskTypes = Record<string, (input: unknown, context: never) => unknown>>(
  worker: Worker | (() => Worker),
  options: ConnectOptions = {},
): Promise<App<T>> {
  checkOptions(options, connectChecks, { call: 'connect', option: '' });
  const { models: sources = {}, signal, timeoutMs, ...shared } = options;
  const bounds = { ...(signal === undefined ? {} : { signal }), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  const specs = Object.entries(sources).map(([name, model]) => [name, modelSpec(name, model, shared)] as const);
  const pool = new WorkerPool(appWorker(worker), () => 1);
  const client = pool.acquire(1)[0] as WorkerClient;
  let answered = false;
  const loaded: Model[] = [];
  const connecting = (async () => {
    const tasks = await viaWorker(client, client.host.tasks());
    answered = true;
    const loads = specs.map(async ([name, { source, ...own }]) => {
      const model = await loadInto(pool, source, { ...own, workers: 1 });
      loaded.push(model);
      return [name, model] as const;
    });
    // Every load settles before connect does, so that a failed one leaves no other model behind.
    const settled = await Promise.allSettled(loads);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const models = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    return new App<T>(pool, client, tasks, Object.fromEntries(models));
  })();
  try {
    // Giving up ends the worker: its loads under way fail with it, and nothing is left behind.
    return await cancellable('connect', connecting, bounds, () => client.stop('connect gave up'));
  } catch (error) {
    await Promise.allSettled(loaded.map((model) => model.dispose()));
    client.stop('connect failed');
    if (answered || !(error instanceof AbortError)) throw error;
    throw new AbortError(
      `${error.message}, and the app's worker had not answered: does its entry module call serve() from 'webinfer/worker'?`,
    );
  }
}

/** A model's source and its load options: the connection's, overridden by its own. */
function modelSpec(name: string, model: AppModel, shared: AppModelOptions): { source: ModelSource } & AppModelOptions {
  if (!isPlainObject(model) || !('source' in model)) return { ...shared, source: model as ModelSource };
  const { source, ...own } = model as { source: ModelSource } & AppModelOptions;
  checkOptions(own, modelChecks, { call: 'connect', option: `models.${name}.` });
  return { ...shared, ...own, source };
}
