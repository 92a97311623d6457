/** What an error is about, so code can react without parsing messages. */
export interface ErrorContext {
  /** The model input concerned. */
  input?: string;
  /** The model URL, or 'bytes' for a model given in memory. */
  source?: string;
  /** The backend concerned ('webgpu', 'wasm'). */
  backend?: string;
  cause?: unknown;
}

/** Base class of every error webinfer rejects with. */
export class WebinferError extends Error {
  override name = 'WebinferError';
  readonly input: string | undefined;
  readonly source: string | undefined;
  readonly backend: string | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, 'cause' in context ? { cause: context.cause } : undefined);
    this.input = context.input;
    this.source = context.source;
    this.backend = context.backend;
  }
}

/** A feeds object that does not fit the model: unknown/missing name, dtype, rank, dims, data length. */
export class InputError extends WebinferError {
  override name = 'InputError';
}

/** The model could not be fetched or read (HTTP status, network, corrupt or unsupported file). */
export class LoadError extends WebinferError {
  override name = 'LoadError';
}

/** A backend was asked for (or needed) and this browser cannot provide it. */
export class BackendUnavailableError extends WebinferError {
  override name = 'BackendUnavailableError';
}

/** The engine failed while running a request the SDK had accepted. */
export class InferenceError extends WebinferError {
  override name = 'InferenceError';
}

/** The model was disposed before or while the call was pending. */
export class DisposedError extends WebinferError {
  override name = 'DisposedError';
}

/** The worker hosting the model failed to start or died. */
export class WorkerCrashedError extends WebinferError {
  override name = 'WorkerCrashedError';
}

/** The caller's AbortSignal fired. */
export class AbortError extends WebinferError {
  override name = 'AbortError';
}

const errorClasses = {
  WebinferError,
  InputError,
  LoadError,
  BackendUnavailableError,
  InferenceError,
  DisposedError,
  WorkerCrashedError,
  AbortError,
} as const;

export type ErrorName = keyof typeof errorClasses;

// `instanceof` fails across realms (iframes, a second copy of the SDK), so guards compare names.
function hasName(error: unknown, name: ErrorName): boolean {
  return error instanceof Error && error.name === name;
}

export const isWebinferError = (e: unknown): e is WebinferError =>
  e instanceof Error && e.name in errorClasses && 'backend' in e;
export const isInputError = (e: unknown): e is InputError => hasName(e, 'InputError');
export const isLoadError = (e: unknown): e is LoadError => hasName(e, 'LoadError');
export const isBackendUnavailableError = (e: unknown): e is BackendUnavailableError =>
  hasName(e, 'BackendUnavailableError');
export const isInferenceError = (e: unknown): e is InferenceError => hasName(e, 'InferenceError');
export const isDisposedError = (e: unknown): e is DisposedError => hasName(e, 'DisposedError');
export const isWorkerCrashedError = (e: unknown): e is WorkerCrashedError =>
  hasName(e, 'WorkerCrashedError');
export const isAbortError = (e: unknown): e is AbortError => hasName(e, 'AbortError');

/** A WebinferError flattened for postMessage, which keeps only plain data. */
export interface WireError {
  webinferError: ErrorName;
  message: string;
  stack: string | undefined;
  context: { input?: string; source?: string; backend?: string };
}

export function toWire(error: WebinferError): WireError {
  const context: WireError['context'] = {};
  if (error.input !== undefined) context.input = error.input;
  if (error.source !== undefined) context.source = error.source;
  if (error.backend !== undefined) context.backend = error.backend;
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
