import type { Backend, TensorInfo, Tensors } from '../types.js';

/** The seam between the host and a runtime. Engines know nothing of Comlink or batching. */
export interface Engine {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  run(feeds: Tensors): Promise<Tensors>;
  dispose(): Promise<void>;
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
}
