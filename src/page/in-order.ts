// Calls over a source of elements, answered in the source's order, with a bound on what is pulled.
import { cancellable } from './cancellation.js';

export interface InOrderOptions {
  /** Most elements pulled from the source and not yet handed on (answered or not). */
  maxInFlight: number;
  /** Stops everything: the iteration rejects with AbortError, and the calls still out hear it. */
  signal?: AbortSignal | undefined;
  /** Names the iteration in an AbortError's message ('results'). */
  what: string;
}

/** Starts one element's call; `signal` fires when its answer is no longer wanted. */
export type StartCall<In, Out> = (element: In, signal: AbortSignal) => Promise<Out>;

export type Source<T> = Iterable<T> | AsyncIterable<T>;

function iteratorOf<T>(source: Source<T>): Iterator<T> | AsyncIterator<T> {
  const asynchronous = (source as Partial<AsyncIterable<T>>)[Symbol.asyncIterator];
  return asynchronous === undefined ? (source as Iterable<T>)[Symbol.iterator]() : asynchronous.call(source);
}

const ignore = (): void => undefined;

/**
 * Calls `start` on each element of `source` and yields the answers in the source's order. At most
 * `maxInFlight` elements are pulled and not yet yielded, so a producer faster than the calls (or a
 * consumer slower than them) holds the rest back instead of piling them up in memory. An answer is
 * yielded as soon as it and those before it are in, even while the source has nothing new (a live
 * microphone). When a call fails, the signal fires or the consumer stops early, the calls still out
 * hear it (their signal fires) and the source is closed.
 */
export async function* inOrder<In, Out>(
  source: Source<In>,
  start: StartCall<In, Out>,
  options: InOrderOptions,
): AsyncGenerator<Out, void, undefined> {
  const { maxInFlight, signal, what } = options;
  const stop = new AbortController();
  const stopAll = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', stopAll, { once: true });
  const iterator = iteratorOf(source);
  const inFlight: Promise<Out>[] = [];
  let pulling: Promise<IteratorResult<In>> | undefined;
  let done = false;
  try {
    for (;;) {
      if (!done && pulling === undefined && inFlight.length < maxInFlight) pulling = Promise.resolve(iterator.next());
      const head = inFlight[0];
      if (head === undefined && pulling === undefined) return;
      // Whichever comes first: the next element, or the oldest answer. A fresh race each turn: one
      // promise raced for the whole iteration would gather a reaction per element.
      const waits: Promise<IteratorResult<In> | 'answered'>[] = [];
      if (pulling !== undefined) waits.push(pulling);
      if (head !== undefined)
        waits.push(
          head.then(
            () => 'answered' as const,
            () => 'answered' as const,
          ),
        );
      const next = await cancellable(what, Promise.race(waits), signal === undefined ? {} : { signal }, ignore);
      if (next === 'answered') {
        inFlight.shift();
        yield await (head as Promise<Out>);
      } else if (next.done === true) {
        done = true;
        pulling = undefined;
      } else {
        pulling = undefined;
        const call = start(next.value, stop.signal);
        // Its rejection is met when it reaches the head; until then it must not count as unhandled.
        call.catch(ignore);
        inFlight.push(call);
      }
    }
  } finally {
    signal?.removeEventListener('abort', stopAll);
    stop.abort(signal?.reason);
    // Not awaited: a source waiting for its next element (a live stream) may not answer for long.
    if (!done) Promise.resolve(iterator.return?.()).catch(ignore);
  }
}

/** The writable side's chunks as an async iterable that `inOrder` pulls: each write waits until pulled. */
class Handoff<T> implements AsyncIterable<T> {
  readonly #offered: Array<{ result: IteratorResult<T, undefined>; taken(): void; refused(error: unknown): void }> = [];
  #wanted: ((result: IteratorResult<T, undefined>) => void) | undefined;
  #failure: { error: unknown } | undefined;

  offer(result: IteratorResult<T, undefined>): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    return new Promise((taken, refused) => {
      const wanted = this.#wanted;
      this.#wanted = undefined;
      if (wanted === undefined) this.#offered.push({ result, taken, refused });
      else {
        wanted(result);
        taken();
      }
    });
  }

  /** Refuses the chunks offered and not taken: their writes reject. */
  fail(error: unknown): void {
    this.#failure = { error };
    for (const { refused } of this.#offered.splice(0)) refused(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => {
        const offered = this.#offered.shift();
        if (offered === undefined) return new Promise((resolve) => (this.#wanted = resolve));
        offered.taken();
        return Promise.resolve(offered.result);
      },
    };
  }
}

/**
 * `inOrder` as a TransformStream: chunks written are called, answers are read in order. A write
 * resolves once its chunk has been taken (sent), so a writer that awaits its writes (or a pipe) is held
 * back while `maxInFlight` chunks are out. A failed call errors both sides; cancelling the readable
 * side stops the calls still out.
 */
export function inOrderTransform<In, Out>(
  start: StartCall<In, Out>,
  options: InOrderOptions,
): TransformStream<In, Out> {
  const chunks = new Handoff<In>();
  const cancelled = new AbortController();
  const signal = options.signal === undefined ? cancelled.signal : AbortSignal.any([options.signal, cancelled.signal]);
  let pump: Promise<void> = Promise.resolve();
  // `cancel` (the readable side was cancelled) is newer than TypeScript's DOM types; a browser without
  // it leaves the calls out to finish unheard.
  const transformer: Transformer<In, Out> & { cancel(reason: unknown): void } = {
    start(controller) {
      pump = (async () => {
        for await (const answer of inOrder(chunks, start, { ...options, signal })) controller.enqueue(answer);
      })().catch((error: unknown) => {
        chunks.fail(error);
        controller.error(error);
      });
    },
    transform: (chunk) => chunks.offer({ done: false, value: chunk }),
    flush: async () => {
      void chunks.offer({ done: true, value: undefined }).catch(ignore);
      await pump;
    },
    cancel: (reason) => {
      cancelled.abort(reason);
      chunks.fail(reason);
    },
  };
  return new TransformStream<In, Out>(transformer);
}
