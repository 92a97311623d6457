import { nextTask } from './next-task.js';

export interface BatcherOptions<Request> {
  /** Most rows one run may take. A single request larger than this still runs, alone. */
  maxSize: number;
  /** How long an idle batcher waits for more requests before it runs what it has. */
  maxDelayMs: number;
  /** Rows a request contributes to a run. */
  sizeOf(request: Request): number;
  /** Requests run together only when their keys are equal; a null key always runs alone. */
  keyOf(request: Request): string | null;
  /**
   * Rows the next run should reach, given the rows of its first request (learned batch sizes): it
   * takes requests until it has that many, passing it by less than that many again, never maxSize.
   */
  limit?(headSize: number): number;
  /**
   * Schedules the dispatch that follows a run (DataLoader's `batchScheduleFn`). The default,
   * nextTask, lets the messages that arrived during the run join the next one; tests may pass a
   * microtask to step the batcher without waiting on the task queue.
   */
  scheduleAfterRun?(dispatch: () => void): void;
}

interface Job<Request, Result> {
  request: Request;
  /** Names the caller, so that a cancelled caller's queued requests can be dropped. */
  tag: unknown;
  key: string | null;
  size: number;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export type RunBatch<Request, Result> = (requests: Request[]) => Promise<Result[]>;

/**
 * Coalesces concurrent requests into runs, DataLoader-style: an idle batcher runs at once (with the
 * requests pushed in the same task); while a run is in flight, requests queue, and the next run takes
 * the queue's head and every compatible request behind it, up to maxSize.
 */
export class Batcher<Request, Result> {
  readonly #run: RunBatch<Request, Result>;
  readonly #options: BatcherOptions<Request>;
  #queue: Job<Request, Result>[] = [];
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #dispatchQueued = false;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(run: RunBatch<Request, Result>, options: BatcherOptions<Request>) {
    this.#run = run;
    this.#options = options;
  }

  push(request: Request, tag?: unknown): Promise<Result> {
    return new Promise((resolve, reject) => {
      const { keyOf, sizeOf } = this.#options;
      this.#queue.push({ request, tag, key: keyOf(request), size: sizeOf(request), resolve, reject });
      this.#schedule();
    });
  }

  /** Rejects every queued request; a run in flight finishes. */
  close(reason: unknown): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const job of queued) job.reject(reason);
  }

  /** Drops the queued requests pushed with `tag`, rejecting them; a run already under way is left alone. */
  cancel(tag: unknown, reason: unknown): void {
    const dropped = this.#queue.filter((job) => job.tag === tag);
    this.#queue = this.#queue.filter((job) => job.tag !== tag);
    for (const job of dropped) job.reject(reason);
  }

  /** Settles once the run in flight (if any) has finished. */
  idle(): Promise<void> {
    return this.#inFlight;
  }

  #schedule(): void {
    if (this.#running || this.#dispatchQueued) return;
    const { maxDelayMs, maxSize } = this.#options;
    if (maxDelayMs > 0 && this.#queue.reduce((rows, job) => rows + job.size, 0) < maxSize) {
      this.#timer ??= setTimeout(() => this.#dispatch(), maxDelayMs);
    } else {
      // Idle: run at once, with every request pushed in this same task (one message can carry many).
      this.#dispatchQueued = true;
      queueMicrotask(() => this.#dispatch());
    }
  }

  #dispatch(): void {
    this.#dispatchQueued = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running || this.#queue.length === 0) return;
    const jobs = this.#take();
    this.#running = true;
    this.#inFlight = this.#execute(jobs).finally(() => {
      this.#running = false;
      // A WASM run blocks the worker: messages that came meanwhile still wait in its task queue.
      // Receive them all before the next dispatch, so that they coalesce rather than run one by one.
      this.#dispatchQueued = true;
      (this.#options.scheduleAfterRun ?? nextTask)(() => this.#dispatch());
    });
  }

  #take(): Job<Request, Result>[] {
    const head = this.#queue[0] as Job<Request, Result>;
    const taken = [head];
    let rows = head.size;
    // A caller's explicit batch (one tag, one key) stays one run whatever the learned limit says.
    const explicit = this.#queue
      .filter((job) => job.tag !== undefined && job.tag === head.tag && job.key === head.key)
      .reduce((sum, job) => sum + job.size, 0);
    const { maxSize } = this.#options;
    const target = Math.min(maxSize, Math.max(explicit, this.#options.limit?.(head.size) ?? Infinity));
    // Requests of several rows rarely add up to the target exactly: a run may pass it by less than one
    // more target (it stays in the size class the tuner asked for), never maxSize.
    const ceiling = Math.min(maxSize, 2 * target - 1);
    if (head.key !== null) {
      // Later requests that fit may overtake one that does not; the head always goes first.
      for (const job of this.#queue.slice(1)) {
        if (rows >= target) break;
        if (job.key === head.key && rows + job.size <= ceiling) {
          taken.push(job);
          rows += job.size;
        }
      }
    }
    const takenSet = new Set(taken);
    this.#queue = this.#queue.filter((job) => !takenSet.has(job));
    return taken;
  }

  async #execute(jobs: Job<Request, Result>[]): Promise<void> {
    try {
      const results = await this.#run(jobs.map((job) => job.request));
      for (const [i, job] of jobs.entries()) job.resolve(results[i] as Result);
    } catch (error) {
      if (jobs.length === 1) {
        jobs[0]?.reject(error);
        return;
      }
      // One bad request must not fail its neighbours: rerun each alone so only the culprit rejects.
      for (const job of jobs) await this.#execute([job]);
    }
  }
}
