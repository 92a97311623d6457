import type { ModelStats, ProgressSink } from '../../shared/protocol.js';
import type { Backend, TensorInfo, Tensors } from '../../shared/types.js';
import type { Fetched } from '../delivery/fetch-file.js';

/** The seam between the host and a runtime. Engines know nothing of Comlink or batching. */
export interface Engine {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  run(feeds: Tensors): Promise<Tensors>;
  dispose(): Promise<void>;
  /** Engine-specific counters merged into the model's stats (TF.js: its live tensor count). */
  stats?(): Partial<ModelStats>;
  /** Settles, with the reason, if the engine's GPU device is lost for good. */
  readonly lost?: Promise<string>;
  /** Test hook: destroys the engine's GPU device, as a driver reset would. */
  loseDeviceForTesting?(): void;
}

export interface EngineSetup {
  model: Uint8Array;
  /** The model's URL, or 'bytes': named in errors. */
  source: string;
  backend: Backend;
  /** The adapter to run on when backend is 'webgpu'. */
  webgpuAdapter: GPUAdapter | undefined;
  /** Absolute URL of the folder with the runtime's files. */
  runtimeBaseUrl: string;
  numThreads: number;
  /** TF.js weight shards given in memory; undefined when they are to be fetched next to the model URL. */
  weights: ArrayBuffer[] | undefined;
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
