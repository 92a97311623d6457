import { fromWire } from '../shared/errors.js';
import type { OutcomeSink, PredictCall, PredictOutcome, WorkerTiming } from '../shared/protocol.js';
import { absoluteNow } from '../shared/clock.js';
import type { Tensors } from '../shared/types.js';

/** Hears, for a call that asked for its timing, when its message left the page and what the worker measured. */
export type OnTimed = (postedAt: number, timing: WorkerTiming) => void;

interface Posted {
  call: PredictCall;
  resolve(results: Tensors[]): void;
  reject(error: unknown): void;
  onTimed: OnTimed | undefined;
  postedAt: number;
}

/**
 * Sends calls to the worker. Without `onOutcomes`, resolves with one outcome per call; with it, the
 * outcomes arrive there, call by call as their runs finish, and the promise says when all have.
 */
export type SendCalls = (
  calls: PredictCall[],
  transfer: ArrayBuffer[],
  onOutcomes?: OutcomeSink,
) => Promise<PredictOutcome[]>;

function settle(entry: Posted, outcome: PredictOutcome): void {
  if ('error' in outcome) entry.reject(fromWire(outcome.error));
  else {
    if (outcome.timing !== undefined) entry.onTimed?.(entry.postedAt, outcome.timing);
    entry.resolve(outcome.results);
  }
}

/**
 * Gathers the predict calls a page makes in one task into one message to the worker. A burst of
 * calls (`Promise.all(items.map(predict))`) then reaches the worker at once and coalesces fully,
 * instead of trickling in one message at a time while the engine has already started on the first.
 */
export class Outbox {
  readonly #send: SendCalls;
  readonly #gather: boolean;
  #posted: Posted[] = [];
  #transfer: ArrayBuffer[] = [];

  /** `gather`: hold calls until the end of the task (their buffers must be moved already). */
  constructor(send: SendCalls, gather: boolean) {
    this.#send = send;
    this.#gather = gather;
  }

  post(call: PredictCall, transfer: Iterable<ArrayBuffer>, onTimed?: OnTimed): Promise<Tensors[]> {
    return new Promise((resolve, reject) => {
      if (this.#gather && this.#posted.length === 0) queueMicrotask(() => this.#flush());
      this.#posted.push({ call, resolve, reject, onTimed, postedAt: 0 });
      this.#transfer.push(...transfer);
      if (!this.#gather) this.#flush();
    });
  }

  /** Takes back a call not yet sent; false once it has left. */
  withdraw(callId: number): boolean {
    const index = this.#posted.findIndex((posted) => posted.call.callId === callId);
    if (index < 0) return false;
    this.#posted.splice(index, 1);
    return true;
  }

  #flush(): void {
    const posted = this.#posted;
    const transfer = this.#transfer;
    this.#posted = [];
    this.#transfer = [];
    if (posted.length === 0) return;
    const postedAt = absoluteNow();
    for (const entry of posted) entry.postedAt = postedAt;
    const calls = posted.map((entry) => entry.call);
    const waiting = new Map(posted.map((entry) => [entry.call.callId, entry]));
    const onOutcomes: OutcomeSink = (outcomes) => {
      for (const [callId, outcome] of outcomes) {
        const entry = waiting.get(callId);
        waiting.delete(callId);
        if (entry !== undefined) settle(entry, outcome);
      }
    };
    // Several calls are each answered when their own run has finished, not when the last one has; a
    // lone call needs no run-by-run answers: its answer is the reply itself.
    const sent = posted.length === 1 ? this.#send(calls, transfer) : this.#send(calls, transfer, onOutcomes);
    sent.then(
      // The outcomes in the reply: a lone call's, or those of a worker that could not answer run by run.
      (outcomes) => onOutcomes(outcomes.map((outcome, i) => [(calls[i] as PredictCall).callId, outcome])),
      (error: unknown) => {
        for (const entry of waiting.values()) entry.reject(error);
      },
    );
  }
}
