import type { WatchdogMessage } from '../protocol.js';

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
