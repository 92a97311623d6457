// Everything that crosses the page <-> worker boundary, in one place. Types only.
import type { Backend, BackendRequest, EngineKind, LoadProgress, TensorInfo, Tensors } from './types.js';

export type ModelBytesOrUrl = { kind: 'url'; url: string } | { kind: 'bytes'; bytes: ArrayBuffer };

export interface LoadRequest {
  source: ModelBytesOrUrl;
  engine: EngineKind;
  backend: BackendRequest;
  /** Coalescing: most rows per engine run (1 = off) and how long an idle engine waits. */
  batch: { maxSize: number; maxDelayMs: number };
  /** Absolute URL of the folder holding the onnxruntime-web files. */
  ortBaseUrl: string;
  numThreads: number | undefined;
}

export interface ModelInfo {
  id: number;
  engine: EngineKind;
  backend: Backend;
  /** Why this backend was chosen, for people (e.g. "WebGPU adapter is a software fallback"). */
  backendReason: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** Counters of one model's engine runs: runs < requests means calls were coalesced. */
export interface ModelStats {
  /** Engine runs so far (a run retried request by request counts each retry). */
  runs: number;
  /** Requests (feeds objects) those runs served. */
  requests: number;
  /** Most requests one run has served. */
  largestRun: number;
}

export type ProgressSink = (progress: LoadProgress) => void;

/** The worker's API as the page sees it through Comlink. */
export interface HostApi {
  load(request: LoadRequest, onProgress?: ProgressSink): Promise<ModelInfo>;
  /** Runs one or more requests; each is coalesced with concurrent callers where the model allows. */
  predict(modelId: number, requests: Tensors[]): Promise<Tensors[]>;
  stats(modelId: number): ModelStats;
  dispose(modelId: number): Promise<void>;
}
