// The engine plug-in contract: what an engine declares (EnginePlugin), what its module does (EngineModule),
// what it is given to start a model (EngineSetup) and what it hands back (Engine). A new engine is one folder
// implementing these, plus one line in registry.ts.
import type { ModelBytesOrUrl, ModelStats, ProgressSink, WarningSink } from '../../shared/protocol.js';
import type { Backend, EngineKind, Tensor, TensorInfo, Tensors } from '../../shared/types.js';
import type { Fetched } from '../delivery/fetch-file.js';

/** A device the engine runs on that can go away under it (a WebGPU device: driver reset, GPU lost). */
export interface EngineDevice {
  /** Settles, with the reason, if the device is lost for good: the model then moves to its next backend. */
  readonly lost: Promise<string>;
  /** @internal Test hook: destroys the device, as a driver reset would. */
  loseForTesting(): void;
  /**
   * @internal Test hook: GPU buffers created on the device and not yet destroyed since the first
   * call (which starts the count at 0).
   */
  liveBuffersForTesting(): number;
}

/**
 * A tensor a run left in GPU memory (WebGPU), for the next model of a task to take as a feed without
 * a trip through the CPU. It lives until disposed: the task's end disposes what its runs left.
 */
export interface ResidentTensor {
  readonly dtype: Tensor['dtype'];
  readonly dims: readonly number[];
  readonly location: 'gpu-buffer';
  /** Copies the data to the CPU; the tensor stays on the GPU. */
  download(): Promise<Tensor>;
  dispose(): void;
}

/** Feeds or outputs of which some may stay on the GPU. */
export type ResidentTensors = Record<string, Tensor | ResidentTensor>;

export function isResident(value: unknown): value is ResidentTensor {
  return typeof value === 'object' && value !== null && (value as ResidentTensor).location === 'gpu-buffer';
}

/** One model started by an engine. Engines know nothing of Comlink or batching. */
export interface Engine {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  run(feeds: Tensors): Promise<Tensors>;
  /**
   * Runs on feeds of which some may be GPU-resident (another model's outputs); with `keep`, the
   * outputs stay on the GPU where the backend has one (elsewhere they are plain tensors). Absent
   * where the engine cannot (TF.js).
   */
  runResident?(feeds: ResidentTensors, keep: boolean): Promise<ResidentTensors>;
  dispose(): Promise<void>;
  /** The runtime and its version ('onnxruntime-web 1.30.0'), where the engine knows it. */
  readonly runtime?: string;
  /** Engine-specific counters merged into the model's stats (TF.js: its live tensor count). */
  stats?(): Partial<ModelStats>;
  /** Present only when the engine holds a device that can be lost (WebGPU). */
  readonly device?: EngineDevice | undefined;
}

/** Where the model comes from, as the page described it: a URL, bytes, or TF.js artifacts in memory. */
export type ModelDescriptor = ModelBytesOrUrl;

export interface EngineSetup {
  model: ModelDescriptor;
  /** The model's URL, or 'bytes': named in errors. */
  source: string;
  backend: Backend;
  /** The adapter to run on when backend is 'webgpu'. */
  webgpuAdapter: GPUAdapter | undefined;
  /** The runtime's files, by name: see EnginePlugin.runtimeFiles. */
  runtimeFiles: RuntimeFiles;
  numThreads: number;
  /**
   * Reads the model file itself (downloaded, cached, or as given in memory) and hands its bytes to
   * `use`, which proves them good (parses them, starts a session) or throws. A downloaded model is
   * cached only once `use` resolved; a cached copy that `use` rejects with a LoadError naming the
   * model is evicted and fetched again, once. An engine that never needs the bytes (a remote server)
   * does not call it, and nothing is downloaded.
   */
  readModel<T>(use: (bytes: Uint8Array) => Promise<T>): Promise<T>;
  /**
   * Fetches a further file the model names (TF.js weight shards) the way the model itself was
   * fetched: same cache mode, integrity, cancellation and warnings; progress of that file goes to
   * `onProgress`. Not cached until the engine commits it; `fresh` skips a cached copy.
   */
  fetchFile(url: string, onProgress: ProgressSink, fresh?: boolean): Promise<Fetched>;
  /** How long a runtime download may make no progress (runtime files are fetched by the engine). */
  stallTimeoutMs: number;
  /**
   * Where the engine reports the progress of its own downloads, all files summed, and then
   * `{ phase: 'init' }` once it has everything and starts the runtime.
   */
  onProgress: ProgressSink;
}

/** A runtime's files: file name → absolute URL. */
export type RuntimeFiles = Readonly<Record<string, string>>;

/** How a runtime's files are fetched: shared by every load, so no load's signal, only a stall deadline. */
export interface RuntimeDelivery {
  stallTimeoutMs: number;
  onWarning?: WarningSink | undefined;
}

/** An engine's code, imported only when a model needs it. */
export interface EngineModule {
  /** Starts fetching the runtime for a backend so that it downloads alongside the model. */
  warmUp(backend: Backend, runtimeFiles: RuntimeFiles, numThreads: number, delivery: RuntimeDelivery): Promise<unknown>;
  create(setup: EngineSetup): Promise<Engine>;
}

/** What an engine declares to the registry, without loading its code. */
export interface EnginePlugin {
  readonly kind: EngineKind;
  /**
   * The backends it runs on, most preferred first. 'auto' takes the first that can run here; a model
   * whose backend fails while serving moves to the next ones, in this order.
   */
  readonly backends: readonly Backend[];
  /**
   * Its runtime's files (file name → absolute URL), each written as a literal
   * `new URL('./…', import.meta.url)` so that an app's bundler copies the file and rewrites the URL.
   */
  runtimeFiles(): RuntimeFiles;
  /** Imports its code: lazily, so a page only downloads the runtimes its models use. */
  load(): Promise<EngineModule>;
}
