import type { WatchdogMessage } from '../shared/protocol.js';
import type { Tensors } from '../shared/types.js';

/**
 * The worker's half of the watchdog. A WASM run blocks the worker's thread, so the worker cannot stop
 * a run that never ends, nor answer anyone meanwhile: before a run that has a deadline it tells the
 * page "stop me if I am not done in `ms`", and withdraws that once the run settles. The page, whose
 * thread is free, terminates the worker if the deadline passes (see the page's watchdog).
 */
export class RunWatch {
  #port: MessagePort | undefined;
  #nextId = 1;

  /** Connects the page's end of the watchdog; until then runs are not watched. */
  connect(port: MessagePort): void {
    this.#port = port;
  }

  /** Runs `work`, armed with a deadline of `ms` from now when `ms` is defined. */
  async around<T>(ms: number | undefined, what: string, work: () => Promise<T>): Promise<T> {
    const port = this.#port;
    if (ms === undefined || port === undefined) return work();
    const id = this.#nextId++;
    port.postMessage({ arm: id, ms, what } satisfies WatchdogMessage);
    try {
      return await work();
    } finally {
      port.postMessage({ disarm: id } satisfies WatchdogMessage);
    }
  }
}

/**
 * How long past a caller's timeoutMs a run may go on before the watchdog stops the worker. The caller
 * has its AbortError at once; the grace spares the other callers of a coalesced run that was merely
 * slow.
 */
export const watchdogGraceMs = 1000;

/** What bounds a model's runs: the load's maxRunMs, and each call's deadline (worker clock). */
export interface RunLimits {
  watch: RunWatch;
  what: string;
  maxRunMs: number | undefined;
  deadlines: WeakMap<Tensors, number>;
}

/** The watchdog deadline of a run serving `requests`, in ms from now; undefined when it has none. */
function runDeadline(requests: readonly Tensors[], limits: RunLimits): number | undefined {
  const now = performance.now();
  const fromCallers = requests.map((feeds) => limits.deadlines.get(feeds)).filter((at) => at !== undefined);
  const callerMs = fromCallers.length === 0 ? Infinity : Math.max(0, Math.min(...fromCallers) - now) + watchdogGraceMs;
  const ms = Math.min(callerMs, limits.maxRunMs ?? Infinity);
  return ms === Infinity ? undefined : ms;
}

/** `run`, each call armed with the watchdog deadline of the requests it serves. */
export function watched<Result>(
  run: (requests: Tensors[]) => Promise<Result[]>,
  limits: RunLimits,
): (requests: Tensors[]) => Promise<Result[]> {
  return (requests) => limits.watch.around(runDeadline(requests, limits), limits.what, () => run(requests));
}
