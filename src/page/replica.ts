import { transfer } from 'comlink';
import { cancellable, type CallOptions, type CallTiming } from './cancellation.js';
import { absoluteNow } from '../shared/clock.js';
import type { ModelInfo, ModelStats, PredictCall, RowShapes, StreamSpec, WorkerTiming } from '../shared/protocol.js';
import { type OnTimed, Outbox } from './outbox.js';
import { canMoveBuffers, moveBuffers, prepareTransfer } from '../shared/transfer.js';
import type { Tensors } from '../shared/types.js';
import { viaWorker, type WorkerClient } from './worker-client.js';

/** Where one copy of a model lives: its worker, its id there, and how to give the worker back. */
export interface Placement {
  client: WorkerClient;
  info: ModelInfo;
  /** Tells the pool this copy has left the worker. */
  release(): void;
}

let nextCallId = 1;

/** A call's time, part by part, from when it was made, when it left, and what the worker measured. */
function callTiming(calledAt: number, postedAt: number, worker: WorkerTiming): CallTiming {
  const answeredAt = absoluteNow();
  return {
    pageQueueMs: postedAt - calledAt,
    toWorkerMs: worker.receivedAt - postedAt,
    workerQueueMs: worker.runStart - worker.receivedAt,
    runMs: worker.runEnd - worker.runStart,
    fromWorkerMs: answeredAt - worker.runEnd,
    totalMs: answeredAt - calledAt,
    runRows: worker.runRows,
    runRequests: worker.runRequests,
  };
}

/** A call's rows (dim 0 of each feeds object's first input): what a replica has in flight. */
function rowsOf(feedsList: readonly Tensors[]): number {
  let rows = 0;
  for (const feeds of feedsList) {
    for (const tensor of Object.values(feeds)) {
      rows += tensor.dims[0] ?? 1;
      break;
    }
  }
  return rows;
}

/**
 * One copy of a model on one worker, with its own outbox: the page sends each call to the replica
 * with the fewest rows in flight, and each worker coalesces the calls it receives.
 */
export class Replica {
  readonly placement: Placement;
  /** Rows sent and not yet answered. */
  rows = 0;
  readonly #outbox: Outbox;

  constructor(placement: Placement) {
    this.placement = placement;
    const { client, info } = placement;
    this.#outbox = new Outbox((calls, transferred, onOutcomes) => {
      const sent = transfer(calls, transferred);
      if (onOutcomes === undefined) return viaWorker(client, client.host.predict(info.id, sent));
      const callIds = calls.map((call) => call.callId);
      client.replies.expect(callIds, onOutcomes);
      return viaWorker(client, client.host.predict(info.id, sent, true)).catch((error: unknown) => {
        client.replies.forget(callIds);
        throw error;
      });
    }, canMoveBuffers);
  }

  /** Set once its worker has died: the model then loads a fresh copy elsewhere. */
  get death(): Error | undefined {
    return this.placement.client.death;
  }

  /**
   * Sends checked feeds: their buffers leave at once, the answer comes when the worker has run them.
   * `stream` names the worker-side stream (`openStream`) whose order and state they run in.
   */
  send(what: string, feedsList: readonly Tensors[], options: CallOptions, stream?: number): Promise<Tensors[]> {
    const { client, info } = this.placement;
    const listed = new Set<ArrayBuffer>();
    const requests = feedsList.map((feeds) => prepareTransfer(feeds, listed));
    const buffers = canMoveBuffers ? moveBuffers(requests, listed) : listed;
    const callId = nextCallId++;
    const { timeoutMs } = options;
    const rows = rowsOf(requests);
    this.rows += rows;
    const posted: PredictCall = { callId, requests };
    if (timeoutMs !== undefined) posted.timeoutMs = timeoutMs;
    if (stream !== undefined) posted.stream = stream;
    const call = this.#outbox.post(posted, buffers, this.#onTimed(posted, options));
    let answered = false;
    const done = () => {
      if (!answered) this.rows -= rows;
      answered = true;
    };
    call.then(done, done);
    const cancel = (): void => {
      // A call taken back before it left is never answered.
      if (this.#outbox.withdraw(callId)) done();
      else void client.host.cancel(info.id, callId).catch(() => undefined);
    };
    return cancellable(what, call, options, cancel);
  }

  /** For a caller with onTiming, asks the worker for the call's timing and hands the caller its parts. */
  #onTimed(posted: PredictCall, { onTiming }: CallOptions): OnTimed | undefined {
    if (onTiming === undefined) return undefined;
    posted.timing = true;
    const calledAt = absoluteNow();
    return (postedAt, timing) => onTiming(callTiming(calledAt, postedAt, timing));
  }

  /** Starts a stream's state in this replica's worker (see HostApi.openStream). */
  openStream(streamId: number, spec: StreamSpec): Promise<void> {
    const { client, info } = this.placement;
    return viaWorker(client, client.host.openStream(info.id, streamId, spec));
  }

  closeStream(streamId: number): Promise<void> {
    const { client } = this.placement;
    return viaWorker(client, client.host.closeStream(streamId));
  }

  /** One warm single-row run on made-up feeds of these shapes, in ms (see HostApi.timeRun). */
  timeRun(shapes: RowShapes): Promise<number | undefined> {
    const { client, info } = this.placement;
    return viaWorker(client, client.host.timeRun(info.id, shapes));
  }

  stats(): Promise<ModelStats> {
    const { client, info } = this.placement;
    return viaWorker(client, client.host.stats(info.id));
  }

  /** Frees this copy in its worker (if the worker still runs) and gives the worker back to the pool. */
  async dispose(): Promise<void> {
    const { client, info, release } = this.placement;
    try {
      if (client.death === undefined) await viaWorker(client, client.host.dispose(info.id));
    } finally {
      release();
    }
  }
}
