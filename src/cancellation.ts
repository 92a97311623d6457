import { AbortError } from './errors.js';

export interface CallOptions {
  /** Rejects the call with AbortError when it fires. */
  signal?: AbortSignal;
  /** Rejects the call with AbortError after this many milliseconds. */
  timeoutMs?: number;
}

export function abortedError(what: string, signal: AbortSignal): AbortError {
  return new AbortError(`${what} was aborted: ${String(signal.reason)}`, { cause: signal.reason });
}

/**
 * Settles like `call`, unless the signal fires or the deadline passes first: then it rejects with an
 * AbortError and tells the worker (`onCancel`) so that it can drop the work if it has not started.
 */
export function cancellable<T>(what: string, call: Promise<T>, options: CallOptions, onCancel: () => void): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined) return call;
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
        : setTimeout(() => stop(new AbortError(`${what} timed out after ${timeoutMs} ms`, { cause: 'timeout' })), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  });
  return Promise.race([call, stopped]).finally(cleanup);
}
