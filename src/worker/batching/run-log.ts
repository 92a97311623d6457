import type { WorkerTiming } from '../../shared/protocol.js';
import type { Tensors } from '../../shared/types.js';
import { absoluteNow } from '../../shared/clock.js';

/** One engine run, as the requests it served see it. */
export type RunRecord = Pick<WorkerTiming, 'runStart' | 'runEnd' | 'runRows' | 'runRequests'>;

/** The percentiles a model's stats report. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

const window = 1024;

function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/**
 * Which run served each request, and the recent runs' durations and requests' waits in the worker's
 * queue (the last 1024 of each), for per-call timing and the stats' percentiles.
 */
export class RunLog {
  readonly #runs = new WeakMap<Tensors, RunRecord>();
  readonly #arrivals = new WeakMap<Tensors, number>();
  readonly #runMs: number[] = [];
  readonly #queueMs: number[] = [];

  /** The worker received `feeds` now: its wait in the queue counts from here. */
  arrived(feeds: Tensors): void {
    this.#arrivals.set(feeds, absoluteNow());
  }

  record(requests: readonly Tensors[], run: RunRecord): void {
    push(this.#runMs, run.runEnd - run.runStart);
    for (const feeds of requests) {
      this.#runs.set(feeds, run);
      const arrived = this.#arrivals.get(feeds);
      if (arrived !== undefined) push(this.#queueMs, run.runStart - arrived);
    }
  }

  runOf(feeds: Tensors): RunRecord | undefined {
    return this.#runs.get(feeds);
  }

  latency(): { runMs?: Percentiles; queueMs?: Percentiles } {
    const runMs = percentiles(this.#runMs);
    const queueMs = percentiles(this.#queueMs);
    return { ...(runMs && { runMs }), ...(queueMs && { queueMs }) };
  }
}

function push(values: number[], value: number): void {
  values.push(value);
  if (values.length > window) values.shift();
}
