// Work that identical requests share instead of repeating: ten loads of one URL download it once and
// start one session. Every caller still waiting hears the work's progress; a caller may give up on its
// own, and the work itself is aborted only once every caller has given up, so that one cancellation
// never fails another caller.
import { AbortError } from '../shared/errors.js';

/** Rejects with AbortError once `signal` fires; `stop` removes the listener. */
function untilAborted(signal: AbortSignal, what: string): { promise: Promise<never>; stop(): void } {
  let stop = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(new AbortError(`${what} was cancelled`, { cause: signal.reason }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stop = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => undefined); // a caller who wins the race never reads it
  return { promise, stop };
}

export class SharedWork<T, Listener> {
  readonly result: Promise<T>;
  readonly #listeners = new Set<Listener>();
  readonly #abort = new AbortController();
  #settled = false;

  /** Starts the work at once; `listeners` is the live set of callers still waiting. */
  constructor(start: (listeners: ReadonlySet<Listener>, signal: AbortSignal) => Promise<T>) {
    this.result = start(this.#listeners, this.#abort.signal);
    const settle = () => (this.#settled = true);
    this.result.then(settle, settle);
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** True once every caller gave up and the work was aborted: a new caller must start it afresh. */
  get abandoned(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * Waits for the work as one more caller, heard as `listener` (each caller passes its own). Rejects
   * with AbortError as soon as `signal` fires, and then aborts the work if nobody else waits for it.
   */
  async join(listener: Listener, signal: AbortSignal | undefined, what: string): Promise<T> {
    this.#listeners.add(listener);
    const aborted = signal === undefined ? undefined : untilAborted(signal, what);
    try {
      return await (aborted === undefined ? this.result : Promise.race([this.result, aborted.promise]));
    } finally {
      aborted?.stop();
      this.#listeners.delete(listener);
      if (signal?.aborted && !this.#settled && this.#listeners.size === 0) this.#abort.abort(signal.reason);
    }
  }
}
