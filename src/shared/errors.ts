import { redactSecrets } from './redact.js';

/** What an error is about, so code can react without parsing messages. */
export interface ErrorContext {
  /** The model input concerned. */
  input?: string;
  /** The model output concerned. */
  output?: string;
  /** The model URL, or 'bytes' for a model given in memory. */
  source?: string;
  /** The backend concerned ('webgpu', 'wasm'). */
  backend?: string;
  /** The option concerned, as written in the call ('backend', 'batch.maxSize'). */
  option?: string;
  cause?: unknown;
}

/** The message of whatever was thrown: runtimes throw Errors, strings, and plain objects. */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  const message = (thrown as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(thrown);
}

/** Base class of every error webinfer rejects with. */
export class WebinferError extends Error {
  override name = 'WebinferError';
  readonly input: string | undefined;
  readonly output: string | undefined;
  readonly source: string | undefined;
  readonly backend: string | undefined;
  readonly option: string | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    // Every message and source is redacted here, once, whoever built it (a runtime's own message may
    // quote the URL it failed on).
    super(redactSecrets(message), 'cause' in context ? { cause: context.cause } : undefined);
    this.input = context.input;
    this.output = context.output;
    this.source = context.source === undefined ? undefined : redactSecrets(context.source);
    this.backend = context.backend;
    this.option = context.option;
  }
}

/** A feeds object that does not fit the model: unknown/missing name, dtype, rank, dims, data length. */
export class InputError extends WebinferError {
  override name = 'InputError';
}

/**
 * An option of load(), predict() or predictBatch() that is unknown, or whose value is not allowed; `option`
 * names it as written in the call ('backend', 'batch.maxSize'). Nothing was sent to the worker.
 */
export class OptionError extends WebinferError {
  override name = 'OptionError';
}

/** The model could not be fetched or read (HTTP status, network, corrupt or unsupported file). */
export class LoadError extends WebinferError {
  override name = 'LoadError';
}

/**
 * A downloaded file did not match the `integrity` digest it was loaded with; nothing was cached.
 * A LoadError too: `instanceof LoadError` and `isLoadError` hold; `isIntegrityError` tells it apart.
 */
export class IntegrityError extends LoadError {
  override name = 'IntegrityError';
}

/** A backend was asked for (or needed) and this browser cannot provide it. */
export class BackendUnavailableError extends WebinferError {
  override name = 'BackendUnavailableError';
}

/** The engine failed while running a request the SDK had accepted. */
export class InferenceError extends WebinferError {
  override name = 'InferenceError';
}

/** The runtime ran out of memory for a request (the wasm heap, or a GPU buffer). The model keeps serving. */
export class OutOfMemoryError extends WebinferError {
  override name = 'OutOfMemoryError';
}

/** The model was disposed before or while the call was pending. */
export class DisposedError extends WebinferError {
  override name = 'DisposedError';
}

/** The worker hosting the model failed to start or died. */
export class WorkerCrashedError extends WebinferError {
  override name = 'WorkerCrashedError';
}

/** An app's task (`serve({ tasks })`) threw something other than one of webinfer's errors. */
export class TaskError extends WebinferError {
  override name = 'TaskError';
}

/** The caller's AbortSignal fired, or its timeoutMs passed. */
export class AbortError extends WebinferError {
  override name = 'AbortError';
}

const errorClasses = {
  WebinferError,
  InputError,
  OptionError,
  LoadError,
  IntegrityError,
  BackendUnavailableError,
  InferenceError,
  OutOfMemoryError,
  DisposedError,
  WorkerCrashedError,
  TaskError,
  AbortError,
} as const;

export type ErrorName = keyof typeof errorClasses;

/** Each class's parent by name, read off the classes themselves: an IntegrityError is a LoadError. */
const parentOf = new Map<string, string>(
  Object.entries(errorClasses).flatMap(([name, ErrorClass]) => {
    const parent = Object.entries(errorClasses).find(([, other]) => other === Object.getPrototypeOf(ErrorClass));
    return parent === undefined ? [] : [[name, parent[0]]];
  }),
);

// Neither `instanceof Error` nor `instanceof InputError` holds for an error made in another realm (an
// iframe, a worker's copy of the SDK, node:vm): its brand slot does, as Object.prototype.toString sees it.
const isErrorObject = (value: unknown): value is Error =>
  Object.prototype.toString.call(value) === '[object Error]' && typeof (value as Error).name === 'string';

function hasName(error: unknown, name: ErrorName): boolean {
  if (!isErrorObject(error)) return false;
  for (let kind: string | undefined = error.name; kind !== undefined; kind = parentOf.get(kind)) {
    if (kind === name) return true;
  }
  return false;
}

/** The guard for one class: true for its errors and its subclasses', from any realm. */
const guard =
  <Name extends ErrorName>(name: Name) =>
  (e: unknown): e is InstanceType<(typeof errorClasses)[Name]> =>
    hasName(e, name);

export const isWebinferError = guard('WebinferError');
export const isInputError = guard('InputError');
export const isOptionError = guard('OptionError');
export const isLoadError = guard('LoadError');
export const isIntegrityError = guard('IntegrityError');
export const isBackendUnavailableError = guard('BackendUnavailableError');
export const isInferenceError = guard('InferenceError');
export const isOutOfMemoryError = guard('OutOfMemoryError');
export const isDisposedError = guard('DisposedError');
export const isWorkerCrashedError = guard('WorkerCrashedError');
export const isTaskError = guard('TaskError');
export const isAbortError = guard('AbortError');

/** `thrown` as one of webinfer's errors: itself if it is one, else a WebinferError carrying its message. */
export function asWebinferError(thrown: unknown): WebinferError {
  return thrown instanceof WebinferError ? thrown : new WebinferError(messageOf(thrown), { cause: thrown });
}

/** A WebinferError flattened for postMessage, which keeps only plain data. */
export interface WireError {
  webinferError: ErrorName;
  message: string;
  stack: string | undefined;
  context: { input?: string; output?: string; source?: string; backend?: string; option?: string };
}

export function toWire(error: WebinferError): WireError {
  const context: WireError['context'] = {};
  if (error.input !== undefined) context.input = error.input;
  if (error.output !== undefined) context.output = error.output;
  if (error.source !== undefined) context.source = error.source;
  if (error.backend !== undefined) context.backend = error.backend;
  if (error.option !== undefined) context.option = error.option;
  const name = error.name in errorClasses ? (error.name as ErrorName) : 'WebinferError';
  return { webinferError: name, message: error.message, stack: error.stack, context };
}

export function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && 'webinferError' in value;
}

export function fromWire(wire: WireError): WebinferError {
  const ErrorClass = errorClasses[wire.webinferError] ?? WebinferError;
  const error = new ErrorClass(wire.message, wire.context);
  // Keep the worker-side stack: it is where the failure happened.
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
