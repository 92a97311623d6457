// Each backend is its own chunk, imported when a model first asks for it: a WASM page never
// downloads the WebGPU backend's shaders, nor a WebGPU page the WASM glue.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, LoadError, messageOf } from '../../../shared/errors.js';
import { deliver } from '../../delivery/fetch-file.js';
import type { RuntimeDelivery, RuntimeFiles } from '../engine.js';
import type { Backend } from '../../../shared/types.js';
import { wasmContainerProblem } from '../../delivery/wasm-container.js';

export type Tf = typeof tf;
type WebGpuModule = typeof import('@tensorflow/tfjs-backend-webgpu');

// Debug mode re-checks every op's output for NaN and reads data back synchronously to do it.
tf.enableProdMode();

function unregister(backend: Backend): void {
  if (tf.findBackendFactory(backend) !== null) tf.removeBackend(backend);
}

const failures = new Map<Backend, unknown>();

/** Registers a backend factory that remembers why it failed: tf.setBackend only logs and returns false. */
function registerRemembering(
  backend: Backend,
  factory: () => Promise<tf.KernelBackend> | tf.KernelBackend,
  priority: number,
) {
  unregister(backend);
  tf.registerBackend(
    backend,
    async () => {
      try {
        return await factory();
      } catch (cause) {
        failures.set(backend, cause);
        throw cause;
      }
    },
    priority,
  );
}

/**
 * TF.js's WASM backend fetches its binary through `tf.env().platform.fetch`: answer the SDK's own
 * binaries from Cache Storage (pinned to the TF.js version, their URL staying the same across
 * releases), so that a warm start fetches no wasm. They are cached only once their container is
 * known whole, with the stall deadline of any download. Every other URL goes to the platform.
 */
function fetchBinariesFromCache(files: RuntimeFiles, delivery: RuntimeDelivery): void {
  const platform = tf.env().platform;
  const platformFetch = platform.fetch.bind(platform);
  const names = new Map(Object.entries(files).map(([name, url]) => [url, name]));
  platform.fetch = async (path: string, init?: RequestInit) => {
    const name = names.get(path);
    if (name === undefined) return platformFetch(path, init);
    const what = 'TF.js runtime file';
    const options = {
      kind: 'runtime',
      runtimeFile: name,
      what,
      cache: true,
      version: Promise.resolve(tf.version_core),
      ...delivery,
    } as const;
    try {
      const bytes = await deliver(path, options, async (bytes) => {
        const problem = wasmContainerProblem(bytes);
        if (problem !== undefined)
          throw new LoadError(`${what} ${path} is not a whole WebAssembly binary: ${problem}`, { source: path });
        return bytes;
      });
      return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/wasm' } });
    } catch (error) {
      // TF.js never settles its start-up if this rejects: answer a failed response, which makes it
      // abort, and keep the real reason for the error message.
      binaryFailure = error;
      return new Response(null, { status: 502, statusText: 'webinfer could not deliver the binary' });
    }
  };
}

let binaryFailure: unknown;

// An adapter yields one device, and the ONNX engine in this worker may have taken the probe's
// adapter already: ask for a fresh one (the host already judged what it is), with the limits the
// TF.js backend asks for itself.
async function createWebGpuBackend(WebGPUBackend: WebGpuModule['WebGPUBackend']): Promise<tf.KernelBackend> {
  const adapter = await navigator.gpu.requestAdapter();
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() found no adapter');
  const { limits } = adapter;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  return new WebGPUBackend(device, adapter.info);
}

async function initBackend(
  backend: Backend,
  files: RuntimeFiles,
  numThreads: number,
  delivery: RuntimeDelivery,
): Promise<Tf> {
  if (backend === 'wasm') {
    const { setThreadsCount, setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    binaryFailure = undefined;
    // Must precede the backend's initialisation; the binaries are the SDK's own copies, each by its
    // own URL (a bundler may have renamed them), fetched through the platform (`true`) so that they
    // come from Cache Storage like a model.
    try {
      setWasmPaths(files, true);
    } catch {
      // After a failed start the backend refuses new paths (and cannot be reset from outside the
      // package); the ones set by the first try still hold, so the retry goes on with them.
    }
    fetchBinariesFromCache(files, delivery);
    setThreadsCount(numThreads);
    const wasmFactory = tf.findBackendFactory('wasm');
    if (wasmFactory !== null) registerRemembering('wasm', wasmFactory, 2);
  }
  if (backend === 'webgpu') {
    // The module registers a factory of its own on import, with an adapter of its choosing: replace it.
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    registerRemembering('webgpu', () => createWebGpuBackend(WebGPUBackend), 3);
  }
  if (!(await tf.setBackend(backend))) {
    if (backend === 'wasm' && binaryFailure instanceof LoadError) throw binaryFailure;
    const cause = failures.get(backend);
    const why = messageOf(cause);
    throw new BackendUnavailableError(`TF.js backend '${backend}' failed to start: ${why}`, { backend, cause });
  }
  return tf;
}

const runtimes = new Map<Backend, Promise<Tf>>();

/** TF.js with `backend` started, once per worker; a failed start is forgotten so the next load retries. */
export function loadTfjsRuntime(
  backend: Backend,
  files: RuntimeFiles,
  numThreads: number,
  delivery: RuntimeDelivery,
): Promise<Tf> {
  let runtime = runtimes.get(backend);
  if (runtime === undefined) {
    runtime = exclusive(() => initBackend(backend, files, numThreads, delivery));
    runtimes.set(backend, runtime);
    runtime.catch(() => runtimes.delete(backend));
  }
  return runtime;
}

let turn: Promise<unknown> = Promise.resolve();

/** Runs `work` alone: TF.js has one current backend per worker, shared by every TF.js model in it. */
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const result = turn.then(work);
  turn = result.catch(() => undefined);
  return result;
}

/**
 * Runs `work` with `backend` current and no other TF.js work interleaved, so that models on
 * different backends in one worker each run (and create tensors) on their own.
 */
export function onBackend<T>(backend: Backend, work: () => Promise<T> | T): Promise<T> {
  return exclusive(async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return work();
  });
}
