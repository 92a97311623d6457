import { DisposedError } from '../shared/errors.js';
import type { StreamSpec } from '../shared/protocol.js';
import type { Tensors } from '../shared/types.js';

/** Runs one element's feeds on the model: the host pushes them to the model's batcher. */
export type RunFeeds = (feeds: Tensors) => Promise<Tensors>;

/** An element waiting for the elements before it. */
interface Waiting {
  tag: unknown;
  reject(reason: unknown): void;
  dropped: boolean;
}

/**
 * One stream's state and order: its elements run one after another, each fed what the one before
 * left in the state inputs. The state outputs stay here; the caller gets the others. An element that
 * fails, or is dropped, leaves the state as it was.
 */
export class StreamState {
  /** Output name → the input it feeds next. */
  readonly #carry: ReadonlyArray<[output: string, input: string]>;
  #values: Tensors;
  #tail: Promise<void> = Promise.resolve();
  readonly #waiting = new Set<Waiting>();

  constructor(spec: StreamSpec) {
    this.#carry = Object.entries(spec.state);
    this.#values = spec.initial;
  }

  /** Runs `feeds` once every earlier element has finished; `tag` names its call for `drop`. */
  run(feeds: Tensors, tag: unknown, run: RunFeeds): Promise<Tensors> {
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { tag, reject, dropped: false };
      this.#waiting.add(waiting);
      this.#tail = this.#tail.then(async () => {
        this.#waiting.delete(waiting);
        if (waiting.dropped) return;
        try {
          // Into the received object itself: the host keys the caller's deadline by it.
          resolve(this.#keep(await run(Object.assign(feeds, this.#values))));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Rejects the waiting elements of call `tag` (every one if undefined); an element under way finishes. */
  drop(tag: unknown, reason: unknown): void {
    for (const waiting of this.#waiting) {
      if (tag !== undefined && waiting.tag !== tag) continue;
      waiting.dropped = true;
      waiting.reject(reason);
      this.#waiting.delete(waiting);
    }
  }

  /** Takes the state outputs as the next element's inputs; returns the rest. */
  #keep(outputs: Tensors): Tensors {
    const values: Tensors = {};
    const rest = { ...outputs };
    for (const [output, input] of this.#carry) {
      values[input] = outputs[output] as Tensors[string];
      delete rest[output];
    }
    this.#values = values;
    return rest;
  }
}

/** The open streams of one worker, by the ids the page gave them, each owned by one model handle. */
export class Streams {
  readonly #open = new Map<number, { owner: number; state: StreamState }>();

  open(streamId: number, owner: number, spec: StreamSpec): void {
    this.#open.set(streamId, { owner, state: new StreamState(spec) });
  }

  /** Runs `feeds` in stream `streamId`'s order and state, or at once when it belongs to no stream. */
  run(streamId: number | undefined, feeds: Tensors, tag: unknown, run: RunFeeds): Promise<Tensors> {
    if (streamId === undefined) return run(feeds);
    const stream = this.#open.get(streamId);
    if (stream === undefined) {
      return Promise.reject(
        new DisposedError('this stream was closed, or its model disposed; open a new one with model.stream()'),
      );
    }
    return stream.state.run(feeds, tag, run);
  }

  /** Drops the waiting elements of call `tag`, whichever stream holds them. */
  drop(tag: unknown, reason: unknown): void {
    for (const { state } of this.#open.values()) state.drop(tag, reason);
  }

  /** Forgets a stream: later calls reject; those it was sent still run, and its state goes with the last. */
  close(streamId: number): void {
    this.#open.delete(streamId);
  }

  /** Closes every stream of the model handle `owner` (it was disposed). */
  closeOwnedBy(owner: number, reason: unknown): void {
    for (const [streamId, stream] of this.#open) {
      if (stream.owner !== owner) continue;
      stream.state.drop(undefined, reason);
      this.#open.delete(streamId);
    }
  }
}
