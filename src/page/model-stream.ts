import type { CallOptions } from './cancellation.js';
import { checkCallOptions } from './call-options.js';
import {
  asWebinferError,
  DisposedError,
  InputError,
  isWorkerCrashedError,
  type WebinferError,
  WorkerCrashedError,
} from '../shared/errors.js';
import { inOrder, inOrderTransform, type Source } from './in-order.js';
import type { Replica } from './replica.js';
import {
  checkIterationOptions,
  defaultMaxInFlight,
  type StreamIterationOptions,
  streamSpec,
} from './stream-options.js';
import type { StreamSpec } from '../shared/protocol.js';
import type { DtypeMap, DtypesOf, TensorInfo, Tensors, TensorsOf } from '../shared/types.js';
import { validateFeeds } from './validate.js';

/** What a stream needs of its model. */
export interface StreamModel {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Runs checked feeds as predict does, on whichever replica: a stream without state. */
  run(feeds: Tensors, options: CallOptions): Promise<Tensors>;
  /** A live replica to keep a stream's state on (a dead one is replaced first). */
  replica(): Replica | Promise<Replica>;
  /** The stream was closed: the model need not end it when disposed. */
  forget(stream: ModelStream): void;
}

/** Where a stream's state lives: a replica's worker, under an id this page chose. */
interface Pinned {
  replica: Replica;
  streamId: number;
}

let nextStreamId = 1;

/** The same error, its class and context kept, with the element it concerns named first. */
function elementError(index: number, thrown: unknown): WebinferError {
  const error = asWebinferError(thrown);
  const { input, output, source, backend, option } = error;
  const context = { input, output, source, backend, option, cause: error };
  const ErrorClass = error.constructor as new (message: string, context: object) => WebinferError;
  const named = new ErrorClass(`stream element ${index}: ${error.message}`, context);
  return named;
}

const isSource = (value: unknown): value is Source<Tensors> =>
  typeof value === 'object' &&
  value !== null &&
  (Symbol.iterator in value || Symbol.asyncIterator in value) &&
  !ArrayBuffer.isView(value);

/**
 * A sequence of calls on one model, answered in order (`model.stream()`). With `state`, the model's
 * recurrent state stays in the worker between calls: each call is fed what the one before left
 * (output → input), and the stream lives on one replica. `results` and `transform` keep up to
 * `maxInFlight` calls out, so the worker never waits on the page, and pull no more than that.
 */
export class ModelStream<Outputs extends DtypesOf<Outputs> = DtypeMap> {
  readonly #model: StreamModel;
  /** Inputs the worker supplies: input → the output that feeds it. */
  readonly #carried: Map<string, string>;
  #pinned: Pinned | Promise<Pinned> | undefined;
  /** Why later calls reject: the stream was closed, its model disposed, or its worker died. */
  #ended: WebinferError | undefined;
  #elements = 0;

  /** @internal Made by `model.stream()`. */
  constructor(model: StreamModel, options: unknown) {
    const { spec, carried } = streamSpec(options, model.inputs, model.outputs);
    this.#model = model;
    this.#carried = carried;
    if (spec !== undefined) this.#pinned = this.#open(model.replica(), spec);
  }

  /**
   * Runs one element: like `model.predict`, after the stream's earlier elements, and without the
   * state inputs (supplied) and state outputs (kept in the worker).
   */
  predict(feeds: Tensors, options: CallOptions = {}): Promise<TensorsOf<Outputs>> {
    checkCallOptions('predict', options);
    return this.#element(feeds, options) as Promise<TensorsOf<Outputs>>;
  }

  /**
   * Runs every element of `source` (an iterable or async iterable of feeds objects) and yields the
   * outputs in order. At most `maxInFlight` elements are taken from the source and not yet yielded.
   * A failed element rejects, naming it ("stream element 17: …"), and stops the iteration.
   */
  results(
    source: Iterable<Tensors> | AsyncIterable<Tensors>,
    options: StreamIterationOptions = {},
  ): AsyncGenerator<TensorsOf<Outputs>, void, undefined> {
    checkIterationOptions('results', options);
    if (!isSource(source)) {
      throw new InputError(
        'results expects an iterable or async iterable of feeds objects, e.g. an array or a generator',
      );
    }
    const start = (feeds: Tensors, signal: AbortSignal) => this.#element(feeds, { signal });
    return inOrder(source, start, this.#iteration('results', options)) as AsyncGenerator<TensorsOf<Outputs>>;
  }

  /**
   * The stream as a TransformStream: feeds objects in, outputs out, in order. A write resolves once
   * its element was sent; while `maxInFlight` are out, writes (and pipes) wait.
   */
  transform(options: StreamIterationOptions = {}): TransformStream<Tensors, TensorsOf<Outputs>> {
    checkIterationOptions('transform', options);
    const start = (feeds: Tensors, signal: AbortSignal) => this.#element(feeds, { signal });
    return inOrderTransform(start, this.#iteration('transform', options)) as TransformStream<
      Tensors,
      TensorsOf<Outputs>
    >;
  }

  /** Frees the state in the worker once the elements sent have run; later calls reject with DisposedError. */
  async close(): Promise<void> {
    if (this.#ended !== undefined) return;
    this.#end(new DisposedError('this stream was closed; open a new one with model.stream()'));
    this.#model.forget(this);
    const pinned = await Promise.resolve(this.#pinned).catch(() => undefined);
    if (pinned !== undefined && pinned.replica.death === undefined) {
      await pinned.replica.closeStream(pinned.streamId).catch(() => undefined);
    }
  }

  /** @internal Its model was disposed: the worker has dropped the state already. */
  end(reason: WebinferError): void {
    this.#end(reason);
  }

  #end(reason: WebinferError): void {
    this.#ended ??= reason;
  }

  #iteration(what: string, options: StreamIterationOptions) {
    return { maxInFlight: options.maxInFlight ?? defaultMaxInFlight, signal: options.signal, what };
  }

  async #open(replica: Replica | Promise<Replica>, spec: StreamSpec): Promise<Pinned> {
    const pinned = { replica: await replica, streamId: nextStreamId++ };
    // Not awaited by the calls: the worker handles messages in order, so it has the stream before
    // their first call, and a failure to open (the model disposed) fails that call too.
    pinned.replica.openStream(pinned.streamId, spec).catch(() => undefined);
    this.#pinned = pinned;
    return pinned;
  }

  #element(feeds: Tensors, options: CallOptions): Promise<Tensors> {
    const index = this.#elements++;
    return this.#call(feeds, options).catch((error: unknown) => {
      throw elementError(index, error);
    });
  }

  /** Checks and sends one element; synchronous up to postMessage once the stream is placed. */
  #call(feeds: Tensors, options: CallOptions): Promise<Tensors> {
    try {
      if (this.#ended !== undefined) throw this.#ended;
      const checked = validateFeeds(feeds, this.#model.inputs, this.#carried);
      const pinned = this.#pinned;
      if (pinned === undefined) return this.#model.run(checked, options);
      if (pinned instanceof Promise) return pinned.then((placed) => this.#send(placed, checked, options));
      return this.#send(pinned, checked, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #send({ replica, streamId }: Pinned, feeds: Tensors, options: CallOptions): Promise<Tensors> {
    if (replica.death !== undefined) throw this.#lost(replica.death);
    try {
      const [outputs] = await replica.send('predict', [feeds], options, streamId);
      return outputs as Tensors;
    } catch (error) {
      throw isWorkerCrashedError(error) ? this.#lost(error) : error;
    }
  }

  /** The worker holding the state died: this call and every later one reject, saying so. */
  #lost(death: Error): WorkerCrashedError {
    const lost = new WorkerCrashedError(
      `the worker holding this stream's state stopped, and the state was lost: open a new stream with ` +
        `model.stream() (the model itself keeps serving). ${death.message}`,
      { cause: death },
    );
    this.#end(lost);
    return lost;
  }
}
