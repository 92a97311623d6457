// The whole public surface of webinfer. Anything not exported here is internal on purpose.
export { load } from './load.js';
export type { Model } from './model.js';
export {
  WebinferError,
  InputError,
  LoadError,
  BackendUnavailableError,
  InferenceError,
  DisposedError,
  WorkerCrashedError,
  AbortError,
  isWebinferError,
  isInputError,
  isLoadError,
  isBackendUnavailableError,
  isInferenceError,
  isDisposedError,
  isWorkerCrashedError,
  isAbortError,
} from './errors.js';
export type { ErrorContext } from './errors.js';
export type { ModelStats } from './protocol.js';
export type {
  Backend,
  BackendRequest,
  BatchOptions,
  Dim,
  Dtype,
  EngineKind,
  LoadOptions,
  LoadProgress,
  ModelSource,
  Tensor,
  TensorData,
  TensorDataByDtype,
  TensorInfo,
  Tensors,
} from './types.js';
