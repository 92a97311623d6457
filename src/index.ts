// The whole public surface of webinfer. Anything not exported here is internal on purpose.
export { load } from './load.js';
export { cachedFiles, deleteCached, clearCache } from './cache.js';
export type { CachedFile, CachedKind } from './cache.js';
export type { Model } from './model.js';
export {
  WebinferError,
  InputError,
  LoadError,
  IntegrityError,
  BackendUnavailableError,
  InferenceError,
  OutOfMemoryError,
  DisposedError,
  WorkerCrashedError,
  AbortError,
  isWebinferError,
  isInputError,
  isLoadError,
  isIntegrityError,
  isBackendUnavailableError,
  isInferenceError,
  isOutOfMemoryError,
  isDisposedError,
  isWorkerCrashedError,
  isAbortError,
} from './errors.js';
export type { ErrorContext } from './errors.js';
export type { BatchingStatus, ModelStats } from './protocol.js';
export type { CallOptions } from './cancellation.js';
export type {
  Backend,
  BackendChange,
  BackendRequest,
  BatchOptions,
  CacheMode,
  Dim,
  Dtype,
  EngineKind,
  LoadOptions,
  LoadProgress,
  LoadWarning,
  ModelSource,
  TfjsArtifacts,
  TfjsLoadHandler,
  TfjsModelArtifacts,
  Tensor,
  TensorData,
  TensorDataByDtype,
  TensorInfo,
  Tensors,
} from './types.js';
