// In-flight work shared by everyone who asks for the same thing: ten loads of one URL download it
// once. Each caller may give up on its own (its load was cancelled); the work itself is aborted only
// when every caller has given up, so one cancellation never fails another load.
import { AbortError } from '../errors.js';

interface Flight<T> {
  result: Promise<T>;
  controller: AbortController;
  waiting: number;
}

const flights = new Map<string, Flight<unknown>>();

/** Rejects with AbortError when `signal` fires; never settles otherwise. */
function whenAborted(signal: AbortSignal, what: string): { promise: Promise<never>; forget(): void } {
  let forget = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(new AbortError(`${what} was cancelled with its load`, { cause: signal.reason }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    forget = () => signal.removeEventListener('abort', onAbort);
  });
  return { promise, forget };
}

/**
 * The result of `start` for `key`, started now or joined if it is already under way. `start` gets a
 * signal that fires once all callers have left. The entry is dropped when the work settles, so a
 * failure is never remembered.
 */
export async function shared<T>(key: string, what: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let flight = flights.get(key) as Flight<T> | undefined;
  if (flight === undefined) {
    const controller = new AbortController();
    const result = start(controller.signal);
    const created: Flight<T> = { result, controller, waiting: 0 };
    flights.set(key, created);
    const drop = (): void => {
      if (flights.get(key) === created) flights.delete(key);
    };
    result.then(drop, drop);
    flight = created;
  }
  flight.waiting += 1;
  if (signal === undefined) return flight.result;
  const aborted = whenAborted(signal, what);
  const joined = flight;
  try {
    return await Promise.race([joined.result, aborted.promise]);
  } catch (error) {
    if (signal.aborted) {
      joined.waiting -= 1;
      if (joined.waiting === 0) {
        joined.controller.abort(signal.reason);
        if (flights.get(key) === joined) flights.delete(key);
      }
    }
    throw error;
  } finally {
    aborted.forget();
  }
}
