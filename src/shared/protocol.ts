// Everything that crosses the page <-> worker boundary, in one place. Types only.
import type { WireError } from './errors.js';
import type {
  Backend,
  BackendChange,
  BackendRequest,
  CacheMode,
  Dtype,
  EngineKind,
  LoadProgress,
  LoadWarning,
  TensorInfo,
  Tensors,
} from './types.js';

export type ModelBytesOrUrl =
  | { kind: 'url'; url: string }
  | { kind: 'bytes'; bytes: ArrayBuffer }
  /** A TF.js model from memory: model.json as text, and its weight shards in manifest order. */
  | { kind: 'tfjs-artifacts'; modelJson: string; weights: ArrayBuffer[] };

export interface LoadRequest {
  /** Names this load for `cancelLoad`; unique per page. */
  loadId: number;
  source: ModelBytesOrUrl;
  engine: EngineKind;
  backend: BackendRequest;
  /**
   * Coalescing: most rows per engine run (1 = off), how long an idle engine waits, and how a
   * symbolic dim 0 is taken: 'probe' checks that rows are independent first, 'trust' does not,
   * 'off' never coalesces (`batch: false`).
   */
  batch: { maxSize: number; maxDelayMs: number; dim0: 'probe' | 'trust' | 'off' };
  numThreads: number | undefined;
  /** SRI digests by absolute file URL (the model's, and any file it pulls in, e.g. TF.js shards). */
  integrity: Record<string, string>;
  cache: CacheMode;
  /** A run of this model that takes longer is stopped by the watchdog (the worker is replaced). */
  maxRunMs: number | undefined;
  /** A download that makes no progress for this long fails with a LoadError (ms). */
  stallTimeoutMs: number;
  /** Time one warm single-row run once loaded (`ModelInfo.runMs`), for the page's choice of replicas. */
  timeRun: boolean;
  probe: ProbeRequest;
  /** `deterministic: true`: a fixed backend that never moves (no failover), one thread, no coalescing. */
  deterministic: boolean;
}

/**
 * What the WebGPU probe found: when 'auto' would pick WebGPU, the model runs once on WebGPU and once on
 * WASM on the same feeds, and WebGPU is kept only if its outputs agree within `tolerance` and it is
 * faster.
 */
export interface ProbeReport {
  chose: 'webgpu' | 'wasm';
  /** In words, with the figures: "WASM: WebGPU 4.10 ms vs WASM 1.20 ms per run". */
  reason: string;
  /** Fastest warm run on each backend (ms), when both ran and agreed. */
  webgpuMs?: number;
  wasmMs?: number;
  /** The output that differed most, when one differed beyond the tolerance. */
  worst?: { output: string; maxAbs: number; maxScaled: number; nonFinite: number; dimsDiffer?: string };
  tolerance: number;
  /** The verdict an earlier probe stored for this model, device and runtime: no runs this time. */
  cached: boolean;
}

/** How a load checks WebGPU before trusting it (see ProbeReport). */
export interface ProbeRequest {
  enabled: boolean;
  /** The app's own probe feeds; made-up ones otherwise. */
  feeds?: Tensors;
  tolerance: number;
  /** Test hook: take the software adapter for hardware, so that 'auto' considers it and probes. */
  softwareAsHardware: boolean;
  /** Test hook: shift WebGPU's outputs, as a backend computing wrong answers would. */
  perturbWebgpu: boolean;
}

export interface ModelInfo {
  id: number;
  engine: EngineKind;
  backend: Backend;
  /** Why this backend was chosen, for people (e.g. "WebGPU adapter is a software fallback"). */
  backendReason: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** The bytes of the model's files (model, weight shards): what each copy of it holds in memory, about. */
  modelBytes: number;
  /**
   * One warm single-row run, in ms, where the load asked (`timeRun`), the backend is not WebGPU and
   * made-up feeds fit the model (every input dim but dim 0 fixed, and the model accepts them).
   */
  runMs?: number;
  /** Present when 'auto' probed WebGPU against WASM (or reused a stored verdict). */
  probe?: ProbeReport;
  /** Where the model's answers come from (the backend is ModelInfo's, which may change). */
  provenance: Omit<Provenance, 'backend'>;
}

/** What produced a model's results: enough to tell two runs' setups apart in a log. */
export interface Provenance {
  /**
   * SHA-256 (hex) of the model file's bytes (a TF.js model: of model.json); absent outside secure
   * contexts, which have no SubtleCrypto.
   */
  modelSha256?: string;
  engine: EngineKind;
  /** The runtime and its version: 'onnxruntime-web 1.30.0', 'TensorFlow.js 4.22.0'. */
  runtime: string;
  backend: Backend;
  /** The WebGPU adapter, on WebGPU. */
  adapter?: string;
  /** WASM threads. */
  numThreads: number;
  /** Whether the load asked for `deterministic: true`. */
  deterministic: boolean;
}

/**
 * Whether a model coalesces concurrent calls. A symbolic dim 0 is only a hint: before the first run
 * that would coalesce, a probe runs 3 rows of made-up data batched and one by one, and coalescing
 * goes ahead only if every row came out the same both ways. Until then `coalesces` is false.
 */
export interface BatchingStatus {
  coalesces: boolean;
  /**
   * Why, in words: e.g. "batch: false", "dim 0 of output 'y' is fixed (1)", "verified by a probe of 3
   * rows", "a probe of 3 rows batched differed from the rows run alone (output 'y', max diff 4.2):
   * dim 0 is not a batch; calls run one at a time".
   */
  reason: string;
}

/** Inputs' dtypes and dims for made-up feeds of one row: what `HostApi.timeRun` times. */
export type RowShapes = Record<string, { dtype: Dtype; dims: number[] }>;

/** Counters of one model's engine runs: runs < requests means calls were coalesced. */
export interface ModelStats {
  /** Engine runs so far (a run retried request by request counts each retry; probe runs do not count). */
  runs: number;
  /** Requests (feeds objects) those runs served. */
  requests: number;
  /** Most requests one run has served. */
  largestRun: number;
  /** Whether concurrent calls are run together, and why (or why not). */
  batching: BatchingStatus;
  /**
   * TF.js models only: tensors alive in the worker's TF.js engine (every TF.js model's weights
   * included). Unchanged between calls unless something leaks.
   */
  engineTensors?: number;
  /**
   * Recent engine runs' durations and requests' waits in the worker's queue (the last 1024 of each),
   * in ms; per replica, the first replica's on several workers. Absent before the first run.
   */
  latency?: {
    runMs?: { p50: number; p95: number; p99: number };
    queueMs?: { p50: number; p95: number; p99: number };
  };
  /** A model on several workers (load option `workers`): each replica's own runs and requests. */
  byWorker?: Array<{ runs: number; requests: number }>;
}

export type ProgressSink = (progress: LoadProgress) => void;
export type WarningSink = (warning: LoadWarning) => void;
export type BackendChangeSink = (change: BackendChange) => void;

/** One predict or predictBatch call: its feeds objects, and an id to cancel it by. */
export interface PredictCall {
  callId: number;
  requests: Tensors[];
  /** The caller's timeoutMs: a run serving this call that overstays it (plus a grace) is stopped. */
  timeoutMs?: number;
  /** Answer with the call's WorkerTiming (the caller passed onTiming). */
  timing?: true;
  /** The stream (`openStream`) the call belongs to: it runs after the stream's earlier calls, fed its state. */
  stream?: number;
}

/** A stream's state in the worker: which output feeds which input on the next call, and the first values. */
export interface StreamSpec {
  /** Output name → the input it feeds on the stream's next call. */
  state: Record<string, string>;
  /** A value for every input named in `state`. */
  initial: Tensors;
}

/**
 * When the worker handled a call that asked for its timing (`PredictCall.timing`): absolute times in
 * ms (`performance.timeOrigin + performance.now()`, comparable across threads).
 */
export interface WorkerTiming {
  receivedAt: number;
  /** The engine run that served the call (the first and last, for a call of several feeds). */
  runStart: number;
  runEnd: number;
  /** Rows and requests in that run: more than the call's own when it was coalesced. */
  runRows: number;
  runRequests: number;
}

export type PredictOutcome = { results: Tensors[]; timing?: WorkerTiming } | { error: WireError };

/** Outcomes of some calls of a message, sent as soon as their runs have finished: `callId` → outcome. */
export type OutcomeSink = (outcomes: Array<[callId: number, outcome: PredictOutcome]>) => void;

/**
 * The watchdog's messages, worker to page: `arm` before a run with a deadline (stop the worker if it
 * has not disarmed within `ms`; `what` says which run, for the error), `disarm` when it settled.
 */
export type WatchdogMessage = { arm: number; ms: number; what: string } | { disarm: number };

/** One `app.run(task, input)` call: which task, its input, and the models it may use. */
export interface TaskCall {
  /** Names this call for `cancelTask`; unique per page. */
  callId: number;
  task: string;
  input: unknown;
  /** The app's models, by the names its tasks use: name → model id in this worker. */
  models: Record<string, number>;
  /** The caller's timeoutMs: a task that overstays it (plus a grace) has its worker stopped. */
  timeoutMs?: number;
}

/** The worker's API as the page sees it through Comlink. */
export interface HostApi {
  /** `onBackendChange` stays connected for the model's life (WebGPU device loss moves it to WASM). */
  load(
    request: LoadRequest,
    onProgress?: ProgressSink,
    onWarning?: WarningSink,
    onBackendChange?: BackendChangeSink,
  ): Promise<ModelInfo>;
  /** Aborts a load still under way: its downloads stop and free their connections. */
  cancelLoad(loadId: number): void;
  /**
   * Runs the calls a page gathered in one task; each call's requests are coalesced with concurrent
   * ones where the model allows. Each call settles on its own: one outcome per call, in order. With
   * `byRun`, each call is answered on the reply port as soon as its runs have finished (one message
   * per run, not one per task), and the returned list is empty.
   */
  predict(modelId: number, calls: PredictCall[], byRun?: boolean): Promise<PredictOutcome[]>;
  /** Connects the port that answers calls run by run (`predict`'s `byRun`): an OutcomeSink's arguments. */
  replyOn(port: MessagePort): void;
  /** Starts a stream under an id the page chose (unique per page); its calls name it in `PredictCall.stream`. */
  openStream(modelId: number, streamId: number, spec: StreamSpec): void;
  /** Frees a stream's state; its calls still queued reject with DisposedError. */
  closeStream(streamId: number): void;
  /**
   * Times one warm single-row run on made-up feeds of these shapes (ms), between the model's other
   * runs; undefined if the model rejects them. Not counted in stats.
   */
  timeRun(modelId: number, shapes: RowShapes): Promise<number | undefined>;
  /** The names of the tasks this worker's entry serves (`serve({ tasks })`); none in the SDK's own worker. */
  tasks(): string[];
  /** Runs a task; resolves with what it returned, its typed arrays' whole buffers transferred. */
  runTask(call: TaskCall): Promise<unknown>;
  /** Aborts a task's signal and drops its model calls still queued (they reject with AbortError). */
  cancelTask(callId: number): void;
  /** Drops a call's requests that are still queued (they reject with AbortError). */
  cancel(modelId: number, callId: number): void;
  /** Connects the page's watchdog, which ends a worker whose run overstays its deadline. */
  watch(port: MessagePort): void;
  /** Holds a Web Lock of this name until the worker dies, so that the page can tell when it does. */
  holdLock(name: string): Promise<void>;
  /** @internal Test hook: makes the worker close itself, as if the browser had killed it. */
  crashForTesting(): void;
  /**
   * @internal Test hook: destroys the GPU device of a WebGPU model, as a driver reset would; resolves
   * once the model has heard of the loss.
   */
  loseDeviceForTesting(modelId: number): Promise<void>;
  /**
   * @internal Test hook: GPU buffers the model's device holds now, counted from this hook's first
   * call (WebGPU only; undefined elsewhere).
   */
  gpuBuffersForTesting(modelId: number): number | undefined;
  stats(modelId: number): ModelStats;
  dispose(modelId: number): Promise<void>;
}
