// The whole public surface of webinfer. Anything not exported here is internal on purpose.
export { load } from './page/load.js';
export { configure } from './page/configure.js';
export { connect } from './page/connect.js';
export { outputDigest } from './page/output-digest.js';
export type { AppModel, AppModelOptions, ConnectOptions } from './page/connect.js';
export type { App, TaskTypes } from './page/app.js';
export type { PoolSettings } from './page/worker-pool.js';
export { cachedFiles, deleteCached, clearCache } from './page/cache.js';
export type { CachedFile, CachedKind } from './page/cache.js';
export type { Model } from './page/model.js';
export type { ModelStream } from './page/model-stream.js';
export type { StreamIterationOptions, StreamOptions } from './page/stream-options.js';
export {
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
  isWebinferError,
  isInputError,
  isOptionError,
  isLoadError,
  isIntegrityError,
  isBackendUnavailableError,
  isInferenceError,
  isOutOfMemoryError,
  isDisposedError,
  isWorkerCrashedError,
  isTaskError,
  isAbortError,
} from './shared/errors.js';
export type { ErrorContext } from './shared/errors.js';
export type { BatchingStatus, ModelStats, ProbeReport, Provenance } from './shared/protocol.js';
export type { CallOptions, CallTiming } from './page/cancellation.js';
export type {
  Backend,
  BackendChange,
  BackendRequest,
  BatchOptions,
  CacheMode,
  Dim,
  Dtype,
  DtypeMap,
  DtypesOf,
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
  TensorsOf,
} from './shared/types.js';
