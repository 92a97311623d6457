/** Element types a tensor can hold, and the TypedArray that carries each. */
export interface TensorDataByDtype {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  /** IEEE half floats as raw bits; a Float16Array is accepted too where the browser has one. */
  float16: Uint16Array;
}

export type Dtype = keyof TensorDataByDtype;

export type TensorData = TensorDataByDtype[Dtype];

/**
 * A tensor as it crosses the API: plain data, no methods, no runtime object behind it. `Tensor` may be
 * of any dtype (check `dtype` to narrow `data`); `Tensor<'float32'>` is known to be float32, its data a
 * Float32Array.
 */
export type Tensor<D extends Dtype = Dtype> = {
  [K in D]: { dtype: K; dims: readonly number[]; data: TensorDataByDtype[K] };
}[D];

/** Named tensors: a model's inputs for one predict call, or its outputs. */
export type Tensors = Record<string, Tensor>;

/**
 * The dtype of each output, by name, as the caller knows it from the model: `{ probs: 'float32'; ids: 'int64' }`.
 * Given to `load<…>()` or `predict<…>()`, it types the results; it is not checked at run time. Any type
 * whose fields are dtypes will do, an interface too (`M extends DtypesOf<M>`).
 */
export type DtypeMap = Record<string, Dtype>;

/** The constraint a dtype map meets: every field a Dtype. (Record<string, …> would turn interfaces away.) */
export type DtypesOf<M> = Record<keyof M, Dtype>;

/** Named tensors, each narrowed to its dtype in M. `TensorsOf<DtypeMap>` is plain `Tensors`. */
export type TensorsOf<M extends DtypesOf<M>> = { [K in keyof M]: Tensor<M[K]> };

/**
 * One dimension of a model's declared shape: a number when fixed; a string (its name) when symbolic;
 * -1 when dynamic and unnamed.
 */
export type Dim = number | string;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: readonly Dim[];
}

/**
 * Where a model runs. 'cpu' is TF.js's plain-JavaScript backend: TF.js models only, and only when
 * asked for by name. load() rejects any other name with an OptionError listing these.
 */
export type Backend = 'webgpu' | 'wasm' | 'cpu' | (string & {});
export type BackendRequest = 'auto' | Backend;
/**
 * Which engine runs a model: the worker's engine registry says which exist, and a load naming another
 * rejects with an OptionError listing them.
 */
export type EngineKind = 'onnx' | 'tfjs' | (string & {});

export interface BatchOptions {
  /** Most samples (rows along dim 0) one engine run may take. Default 64. */
  maxSize?: number;
  /** How long an idle engine waits for company before it runs a lone request. Default 0. */
  maxDelayMs?: number;
  /**
   * Coalesce on the model's word that dim 0 is a batch, without the probe that checks it (see
   * `ModelStats.batching`). Only for a model you know computes each row of dim 0 on its own: on a
   * sequence-first model (`[time, batch, …]`) or one that sums or normalises across dim 0, callers
   * would get results mixed with other callers' data. Default false.
   */
  trust?: boolean;
}

export type LoadProgress =
  | { phase: 'download'; loaded: number; total: number | undefined }
  /** The model came from Cache Storage: no download. */
  | { phase: 'cache'; loaded: number; total: number }
  | { phase: 'init' }
  /** 'auto' is checking WebGPU's answers and speed against WASM's before trusting it (see `probe`). */
  | { phase: 'probe' };

/**
 * Something went wrong that did not stop the load, e.g. the model could not be cached for lack of
 * quota: it still runs, and will be downloaded again next time.
 */
export interface LoadWarning {
  /**
   * 'quota': too little storage to cache the file; 'cache-failed': Cache Storage refused it;
   * 'cache-unavailable': no Cache Storage here (insecure context); 'persist-denied': the browser
   * declined `persist: true`.
   */
  code: 'quota' | 'cache-failed' | 'cache-unavailable' | 'persist-denied';
  message: string;
  /** The file concerned. */
  source: string;
}

/**
 * true: use a cached copy without asking the network (offline-first); 'revalidate': ask the server
 * first (If-None-Match / If-Modified-Since), use the copy on 304 or when offline; false: no cache.
 */
export type CacheMode = boolean | 'revalidate';

export interface LoadOptions {
  /** 'auto' (default): a hardware WebGPU adapter if there is one, else WASM. 'cpu': TF.js models only. */
  backend?: BackendRequest;
  /** Needed only when the source does not say (bytes default to 'onnx'). */
  engine?: EngineKind;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Coalescing of concurrent predict calls. By default calls coalesce once a probe has shown the
   * model's rows to be independent. `false` runs every call on its own (no probe); `true` is
   * `{ trust: true }`: coalesce without the probe (see BatchOptions.trust).
   */
  batch?: BatchOptions | boolean;
  /** Rejects the load with AbortError when it fires. */
  signal?: AbortSignal;
  /** Rejects the load with AbortError after this many milliseconds. */
  timeoutMs?: number;
  /**
   * Longest a single engine run of this model may take. A run that overstays it is stopped: the
   * worker is terminated (a WASM run cannot be interrupted otherwise), the calls on that worker reject
   * with WorkerCrashedError, and its models reload on their next call. Default: none. A call's own
   * `timeoutMs` bounds its runs the same way, one second after its caller got AbortError.
   */
  maxRunMs?: number;
  /**
   * A download (the model, a weight shard, a runtime file) that receives nothing for this many
   * milliseconds, headers or body, fails with a LoadError naming the URL, and its connection is
   * closed. Default 30000.
   */
  stallTimeoutMs?: number;
  /**
   * Called if the model moves to another backend while serving: a lost WebGPU device (or a failed
   * WebGPU run) moves it to WASM, replaying the batch in flight. `model.backend` follows.
   */
  onBackendChange?: (change: BackendChange) => void;
  /**
   * Where the SDK's files (webinfer.worker.js, ort/) are served. Defaults to the folder of the
   * bundle itself; set it when a bundler moved the SDK's page code elsewhere.
   */
  baseUrl?: string | URL;
  /**
   * WASM threads per worker; default: up to 4 when the page is cross-origin isolated, else 1. With
   * several workers on an isolated page, the cores are shared out: cores / workers each.
   */
  numThreads?: number;
  /**
   * How many workers hold a copy of the model, each running calls in parallel with the others: a
   * number, or 'auto' (default), which picks more than one only where it pays: WASM or CPU on a page
   * that is not cross-origin isolated, a model whose single-row run takes at least 1 ms, several
   * cores (see README, Workers). `model.workers` and `model.workersReason` tell what was chosen. The
   * workers are shared with the page's other models, up to `configure({ maxWorkers })`.
   */
  workers?: number | 'auto';
  /**
   * SRI digest(s) the downloaded bytes must match (`'sha256-<base64>'`), checked before the bytes
   * are used or cached. A string covers the model URL itself; a map covers several files (a TF.js
   * model.json and its weight shards), keyed by URL relative to the model URL or absolute.
   */
  integrity?: string | Readonly<Record<string, string>>;
  /** Cache Storage for URL sources; default true (offline-first). See CacheMode. */
  cache?: CacheMode;
  /** Ask the browser to keep the cache under storage pressure (`navigator.storage.persist()`). */
  persist?: boolean;
  /** Problems that do not fail the load (see LoadWarning); default: console.warn. */
  onWarning?: (warning: LoadWarning) => void;
  /**
   * When 'auto' would pick WebGPU, check it first (default true): the model runs on WebGPU and on
   * WASM on the same feeds (made up from `model.inputs`, symbolic dims as 1, or these feeds), and
   * WebGPU is kept only if every output agrees within `probeTolerance` and it is faster. The verdict
   * is stored per model, adapter and runtime version: the probe runs once per device. `false` skips
   * it; a backend asked for by name is never probed. `model.probe` says what it found.
   */
  probe?: boolean | Tensors;
  /**
   * How close WebGPU's outputs must be to WASM's for the probe: |webgpu - wasm| <= tolerance *
   * (1 + |wasm|) for every element; default 1e-3.
   */
  probeTolerance?: number;
  /**
   * Results that do not depend on what else runs (default false): calls are never coalesced, WASM runs
   * on one thread, and the backend is fixed: 'auto' means WASM, and a model never moves to another
   * backend while serving (a lost GPU device fails its calls instead). `model.provenance` records it.
   */
  deterministic?: boolean;
  /**
   * @internal Test hooks of the probe: take the software adapter for hardware (so 'auto' considers
   * it), and shift WebGPU's outputs (so that they disagree).
   */
  probeForTesting?: { softwareAsHardware?: boolean; perturbWebgpu?: boolean };
}

/**
 * A TF.js model held in memory: model.json's content and its weight data (the manifest's shards in
 * order, or all of them in one buffer). The buffers are transferred to the worker like model bytes.
 */
export interface TfjsArtifacts {
  modelJson: object | string;
  weights: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[];
}

/** Anything with tf.io's IOHandler `load()`: its artifacts are read on the page and sent as TfjsArtifacts. */
export interface TfjsLoadHandler {
  load(): Promise<TfjsModelArtifacts>;
}

/** The part of tf.io.ModelArtifacts webinfer reads; declared here so the page never imports TF.js. */
export interface TfjsModelArtifacts {
  modelTopology?: object | ArrayBuffer;
  weightSpecs?: object[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: object;
  initializerSignature?: object;
  trainingConfig?: object;
}

/** The model moved to another backend while serving (WebGPU device lost, or a WebGPU run failed). */
export interface BackendChange {
  from: Backend;
  to: Backend;
  reason: string;
}

export type ModelSource = string | URL | ArrayBuffer | Uint8Array | TfjsArtifacts | TfjsLoadHandler;
