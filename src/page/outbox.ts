import { fromWire } from '../shared/errors.js';
import type { PredictCall, PredictOutcome } from '../shared/protocol.js';
import type { Tensors } from '../shared/types.js';

interface Posted {
  call: PredictCall;
  resolve(results: Tensors[]): void;
  reject(error: unknown): void;
}

export type SendCalls = (calls: PredictCall[], transfer: ArrayBuffer[]) => Promise<PredictOutcome[]>;

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

  post(call: PredictCall, transfer: Iterable<ArrayBuffer>): Promise<Tensors[]> {
    return new Promise((resolve, reject) => {
      if (this.#gather && this.#posted.length === 0) queueMicrotask(() => this.#flush());
      this.#posted.push({ call, resolve, reject });
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
    this.#send(
      posted.map((entry) => entry.call),
      transfer,
    ).then(
      (outcomes) => {
        posted.forEach((entry, i) => {
          const outcome = outcomes[i] as PredictOutcome;
          if ('error' in outcome) entry.reject(fromWire(outcome.error));
          else entry.resolve(outcome.results);
        });
      },
      (error: unknown) => {
        for (const entry of posted) entry.reject(error);
      },
    );
  }
}
