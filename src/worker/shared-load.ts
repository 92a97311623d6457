import { AbortError } from '../errors.js';
import type { ProgressSink, WarningSink } from '../protocol.js';

/** Where one page-side load call hears about the load it joined. */
export interface LoadListener {
  onProgress: ProgressSink;
  onWarning: WarningSink;
}

/**
 * One load in the worker that identical page-side loads join instead of starting their own: it runs
 * once, tells every caller still waiting its progress and warnings, and is aborted only once every
 * caller has given up.
 */
export class SharedLoad<T> {
  readonly result: Promise<T>;
  readonly #listeners = new Set<LoadListener>();
  readonly #abort = new AbortController();
  #settled = false;

  constructor(start: (sinks: LoadListener, signal: AbortSignal) => Promise<T>) {
    const sinks: LoadListener = {
      onProgress: (progress) => this.#listeners.forEach((listener) => listener.onProgress(progress)),
      onWarning: (warning) => this.#listeners.forEach((listener) => listener.onWarning(warning)),
    };
    this.result = start(sinks, this.#abort.signal);
    this.result.then(
      () => (this.#settled = true),
      () => (this.#settled = true),
    );
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Adds a caller; the function returned takes it off again, `gaveUp` when it cancelled. */
  join(listener: LoadListener): (gaveUp: boolean) => void {
    this.#listeners.add(listener);
    return (gaveUp) => {
      this.#listeners.delete(listener);
      if (gaveUp && !this.#settled && this.#listeners.size === 0) {
        this.#abort.abort(new AbortError('the load was cancelled'));
      }
    };
  }
}
