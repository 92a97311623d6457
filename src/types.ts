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

/** A tensor as it crosses the API: plain data, no methods, no runtime object behind it. */
export type Tensor = {
  [D in Dtype]: { dtype: D; dims: readonly number[]; data: TensorDataByDtype[D] };
}[Dtype];

/** Named tensors: a model's inputs for one predict call, or its outputs. */
export type Tensors = Record<string, Tensor>;

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

export type Backend = 'webgpu' | 'wasm';
export type BackendRequest = 'auto' | Backend;
export type EngineKind = 'onnx' | 'tfjs';

export interface BatchOptions {
  /** Most samples (rows along dim 0) one engine run may take. Default 64. */
  maxSize?: number;
  /** How long an idle engine waits for company before it runs a lone request. Default 0. */
  maxDelayMs?: number;
}

export type LoadProgress =
  | { phase: 'download'; loaded: number; total: number | undefined }
  | { phase: 'init' };

export interface LoadOptions {
  /** 'auto' (default): a hardware WebGPU adapter if there is one, else WASM. */
  backend?: BackendRequest;
  /** Needed only when the source does not say (bytes default to 'onnx'). */
  engine?: EngineKind;
  onProgress?: (progress: LoadProgress) => void;
  /** Coalescing of concurrent predict calls; `false` runs every call on its own. */
  batch?: BatchOptions | false;
  signal?: AbortSignal;
  /**
   * Where the SDK's files (webinfer.worker.js, ort/) are served. Defaults to the folder of the
   * bundle itself; set it when a bundler moved the SDK's page code elsewhere.
   */
  baseUrl?: string | URL;
  /** WASM threads; default: up to 4 when the page is cross-origin isolated, else 1. */
  numThreads?: number;
}

export type ModelSource = string | URL | ArrayBuffer | Uint8Array;
