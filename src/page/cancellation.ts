import { AbortError } from '../shared/errors.js';

export interface CallOptions {
  /** Rejects the call with AbortError when it fires. */
  signal?: AbortSignal;
  /** Rejects the call with AbortError after this many milliseconds. */
  timeoutMs?: number;
  /** Hears, once the call resolved, where its time went (see CallTiming). */
  onTiming?: (timing: CallTiming) => void;
}

/**
 * Where one call's time went, in ms; the parts add up to `totalMs`. Clocks of the page and the worker
 * share an epoch (`performance.timeOrigin`), so the parts across threads are comparable.
 */
export interface CallTiming {
  /** From the call to its message leaving the page (the calls of one task leave together). */
  pageQueueMs: number;
  /** The message's trip to the worker. */
  toWorkerMs: number;
  /** Waiting in the worker's queue for the engine (runs of other calls in flight). */
  workerQueueMs: number;
  /** The engine run that served the call (for several feeds: from the first run's start to the last's end). */
  runMs: number;
  /** From the run's end to the answer on the page: splitting the batch, the reply, its trip back. */
  fromWorkerMs: number;
  totalMs: number;
  /** Rows and calls' feeds in that run: more than the call's own when it was coalesced. */
  runRows: number;
  runRequests: number;
}

export function abortedError(what: string, signal: AbortSignal): AbortError {
  return new AbortError(`${what} was aborted: ${String(signal.reason)}`, { cause: signal.reason });
}

/**
 * Settles like `call`, unless the signal fires (or has fired) or the deadline passes first: then it
 * rejects with an AbortError and calls `onCancel`, which drops work not yet started or discards its
 * result.
 */
export function cancellable<T>(what: string, call: Promise<T>, options: CallOptions, onCancel: () => void): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined) return call;
  if (signal?.aborted) {
    // An 'abort' listener added now would never hear it.
    onCancel();
    return Promise.reject(abortedError(what, signal));
  }
  let cleanup = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (error: AbortError): void => {
      onCancel();
      reject(error);
    };
    const onAbort = (): void => stop(abortedError(what, signal as AbortSignal));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => stop(new AbortError(`${what} timed out after ${timeoutMs} ms`, { cause: 'timeout' })),
            timeoutMs,
          );
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  });
  return Promise.race([call, stopped]).finally(cleanup);
}
