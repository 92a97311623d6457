import { sdkWorker, startWorker, type WorkerClient, type WorkerSource } from './worker-client.js';

/** What `configure()` sets: the pool's bounds, for every SDK location alike. */
export interface PoolSettings {
  /**
   * Most workers webinfer runs at once, per SDK location: every model's replicas share them.
   * Default: the device's cores (`navigator.hardwareConcurrency`), at most 8.
   */
  maxWorkers: number;
  /** A worker that has hosted no model for this long is ended (ms); default 30000. */
  idleWorkerMs: number;
}

export const poolSettings: PoolSettings = {
  maxWorkers: Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 1)),
  idleWorkerMs: 30_000,
};

interface PooledWorker {
  client: WorkerClient;
  /** Model replicas placed on it (loads under way included). */
  models: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The workers of one SDK location. Models are placed on them, not given their own: a page with five
 * models runs as few workers as their replicas need, never more than `maxWorkers`, and a worker left
 * with no model is retired after `idleWorkerMs`.
 */
export class WorkerPool {
  readonly #source: WorkerSource;
  readonly #cap: () => number;
  readonly #workers: PooledWorker[] = [];

  /** Workers of `source`, at most `cap()` at once (read at each acquire: configure may change it). */
  constructor(source: WorkerSource, cap: () => number = () => poolSettings.maxWorkers) {
    this.#source = source;
    this.#cap = cap;
  }

  /**
   * Up to `count` distinct workers, none of them in `avoid` (those hosting the model's other
   * replicas): the least loaded first, new ones started while the pool is under its cap. Each is
   * held for one model until `release`. Fewer come back when the cap leaves no more.
   */
  acquire(count: number, avoid: ReadonlySet<WorkerClient> = new Set()): WorkerClient[] {
    const chosen = this.#workers
      .filter((worker) => !avoid.has(worker.client))
      .sort((a, b) => a.models - b.models)
      .slice(0, count);
    while (chosen.length < count && this.#workers.length < this.#cap()) chosen.push(this.#start());
    for (const worker of chosen) {
      worker.models += 1;
      clearTimeout(worker.idleTimer);
      worker.idleTimer = undefined;
    }
    return chosen.map((worker) => worker.client);
  }

  /** One model has left `client`; a worker left with none is retired once it has stayed idle. */
  release(client: WorkerClient): void {
    const worker = this.#workers.find((candidate) => candidate.client === client);
    if (worker === undefined) return;
    worker.models -= 1;
    if (worker.models > 0) return;
    const idleMs = poolSettings.idleWorkerMs;
    worker.idleTimer = setTimeout(
      () => client.stop(`it hosted no model for ${idleMs} ms (configure's idleWorkerMs)`),
      idleMs,
    );
  }

  #start(): PooledWorker {
    const worker: PooledWorker = {
      client: startWorker(this.#source, () => {
        clearTimeout(worker.idleTimer);
        const index = this.#workers.indexOf(worker);
        if (index >= 0) this.#workers.splice(index, 1);
      }),
      models: 0,
      idleTimer: undefined,
    };
    this.#workers.push(worker);
    return worker;
  }
}

const pools = new Map<string, WorkerPool>();

const bundled = 'webinfer.worker.js (beside the webinfer module)';

/** The pool of the SDK in `baseUrl`, or of the bundled SDK. */
export function poolFor(baseUrl: URL | undefined): WorkerPool {
  const workerUrl = baseUrl === undefined ? bundled : new URL('webinfer.worker.js', baseUrl).href;
  let pool = pools.get(workerUrl);
  if (pool === undefined) {
    pool = new WorkerPool(sdkWorker(baseUrl, workerUrl));
    pools.set(workerUrl, pool);
  }
  return pool;
}
