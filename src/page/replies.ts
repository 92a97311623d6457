import { toWire, type WorkerCrashedError } from '../shared/errors.js';
import type { OutcomeSink, PredictOutcome } from '../shared/protocol.js';

/**
 * The page's end of a worker's reply port: the worker posts the outcomes of each run there as soon
 * as the run has finished, and this routes each outcome to the call that waits for it. One port per
 * worker, opened once, so that a burst pays one message per run and nothing per burst.
 */
export class ReplyRouter {
  /** The worker's end, to transfer to it. */
  readonly port: MessagePort;
  readonly #own: MessagePort;
  readonly #waiting = new Map<number, OutcomeSink>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = ({ data }: MessageEvent<Array<[number, PredictOutcome]>>) => this.#route(data);
    this.#own = port1;
    this.port = port2;
  }

  /**
   * Closes the page's end once the worker is gone, failing the calls still waiting with `death`: a
   * worker may die after its reply to the whole message but before a run's answers arrive.
   */
  close(death: WorkerCrashedError): void {
    this.#own.close();
    for (const [callId, sink] of this.#waiting) sink([[callId, { error: toWire(death) }]]);
    this.#waiting.clear();
  }

  /** Sends the outcomes of these calls to `sink` as they arrive. */
  expect(callIds: readonly number[], sink: OutcomeSink): void {
    for (const callId of callIds) this.#waiting.set(callId, sink);
  }

  /** Stops waiting for these calls (their message failed: no outcome will come). */
  forget(callIds: readonly number[]): void {
    for (const callId of callIds) this.#waiting.delete(callId);
  }

  #route(outcomes: Array<[number, PredictOutcome]>): void {
    for (const entry of outcomes) {
      const sink = this.#waiting.get(entry[0]);
      this.#waiting.delete(entry[0]);
      sink?.([entry]);
    }
  }
}
