import type * as Ort from 'onnxruntime-web';
import { InferenceError, LoadError, messageOf, OutOfMemoryError } from '../../../shared/errors.js';
import { isDtype, storageOf } from '../../../shared/dtypes.js';
import { normalizeDim } from './ort-dims.js';
import type { TensorInfo, Tensors, Tensor } from '../../../shared/types.js';
import { type Engine, type EngineSetup, isResident, type ResidentTensor, type ResidentTensors } from '../engine.js';
import { countBuffers } from './gpu-buffer-count.js';
import { forgetOrtRuntime, loadOrtRuntime, ortModuleUrl, type OrtModule } from './ort-runtime.js';

export { loadOrtRuntime as warmUp };

// How the wasm heap (emscripten, ORT's allocator) and WebGPU say they ran out of memory. A request for
// 4 GiB or more overflows ORT's 32-bit size arithmetic (SafeInt) before any allocation is tried.
const outOfMemory = new RegExp(
  [
    'out of memory',
    'bad_alloc',
    'allocation failed',
    'cannot enlarge memory',
    'OOM',
    'SafeInt',
    'Integer overflow',
    'Tensor shape is too large',
  ].join('|'),
  'i',
);
// How onnxruntime-web says its own start failed (its glue module or binary), not the model.
const runtimeFailed = /no available backend found/i;

function describeValues(metadata: readonly Ort.InferenceSession.ValueMetadata[], source: string): TensorInfo[] {
  return metadata.map((value) => {
    if (!value.isTensor || !isDtype(value.type)) {
      const type = value.isTensor ? value.type : 'a non-tensor value';
      throw new LoadError(`model ${source} uses ${type} for '${value.name}', which webinfer does not support`, {
        source,
      });
    }
    return { name: value.name, dtype: value.type, shape: value.shape.map(normalizeDim) };
  });
}

function toOrtTensor(ort: OrtModule, tensor: Tensor): Ort.Tensor {
  return new ort.Tensor(tensor.dtype, storageOf(tensor.data, tensor.dtype) as Float32Array, tensor.dims);
}

// float16 comes back as raw bits in a Uint16Array on every browser, as the types promise, even where
// onnxruntime-web hands out a native Float16Array.
function fromOrtTensor(tensor: Ort.Tensor): Tensor {
  const dtype = tensor.type as Tensor['dtype'];
  return { dtype, dims: [...tensor.dims], data: storageOf(tensor.data as Tensor['data'], dtype) } as Tensor;
}

/** A run's output as a plain tensor: downloaded, and its GPU buffer given back, if it stayed on the GPU. */
async function onCpu(tensor: Ort.Tensor): Promise<Tensor> {
  if (tensor.location !== 'gpu-buffer') return fromOrtTensor(tensor);
  const dtype = tensor.type as Tensor['dtype'];
  const data = (await tensor.getData(true)) as Tensor['data'];
  return { dtype, dims: [...tensor.dims], data: storageOf(data, dtype) } as Tensor;
}

// Each resident tensor's ORT tensor. Sessions of one worker share the WebGPU runtime and its device,
// so one model's resident output feeds another's session as it is.
const residents = new WeakMap<ResidentTensor, Ort.Tensor>();

function resident(tensor: Ort.Tensor): ResidentTensor {
  const dtype = tensor.type as Tensor['dtype'];
  const dims = [...tensor.dims];
  const wrapper: ResidentTensor = {
    dtype,
    dims,
    location: 'gpu-buffer',
    download: async () =>
      ({ dtype, dims: [...dims], data: storageOf((await tensor.getData()) as Tensor['data'], dtype) }) as Tensor,
    dispose: () => tensor.dispose(),
  };
  residents.set(wrapper, tensor);
  return wrapper;
}

/** A feed for a session on `backend`: a resident tensor as it is on WebGPU, downloaded elsewhere. */
async function feedOf(ort: OrtModule, value: Tensor | ResidentTensor, backend: string): Promise<Ort.Tensor> {
  if (!isResident(value)) return toOrtTensor(ort, value);
  const own = residents.get(value);
  if (own !== undefined && backend === 'webgpu') return own;
  return toOrtTensor(ort, await value.download());
}

// onnxruntime-web's WebGPU build is not re-entrant across sessions: it refuses to create a session
// while another is being created ("another WebGPU EP inference session is being created"), and runs of
// several sessions at once break it (a run fails, then even a WASM session in that instance fails
// with "memory access out of bounds"). Its sessions in this worker take turns, creation and runs alike.
let turn: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = turn.then(work);
  turn = result.catch(() => undefined);
  return result;
}

/** Frees the bytes of a compiled wasm binary, whoever still holds the buffer: it is left detached. */
function releaseBinary(binary: ArrayBufferLike | Uint8Array | undefined): void {
  const buffer = binary instanceof Uint8Array ? binary.buffer : binary;
  if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) structuredClone(buffer, { transfer: [buffer] });
}

/** Reads the model through `setup.readModel`, so that it is cached only once a session has parsed it. */
export function create(setup: EngineSetup): Promise<Engine> {
  return setup.readModel((model) => createSession(setup, model));
}

async function createSession(setup: EngineSetup, model: Uint8Array): Promise<Engine> {
  const { source, backend } = setup;
  setup.onProgress({ phase: 'init' });
  const ort = await loadOrtRuntime(backend, setup.runtimeFiles, setup.numThreads, {
    stallTimeoutMs: setup.stallTimeoutMs,
  });
  if (backend === 'webgpu' && setup.webgpuAdapter !== undefined) {
    ort.env.webgpu.adapter = setup.webgpuAdapter;
  }
  let session: Ort.InferenceSession;
  try {
    // On WebGPU outputs stay on the GPU until asked for: a task may feed them to its next model as they are.
    const options = backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {};
    const start = () => ort.InferenceSession.create(model, { executionProviders: [backend], ...options });
    session = await (backend === 'webgpu' ? oneAtATime(start) : start());
  } catch (cause) {
    const what = messageOf(cause);
    if (runtimeFailed.test(what)) {
      forgetOrtRuntime(ort);
      const runtime = ortModuleUrl(backend, setup.runtimeFiles);
      throw new LoadError(
        `onnxruntime-web (${runtime}) failed to start on ${backend}, so model ${source} could not load: ` +
          `${what}; the next load will fetch the runtime again`,
        {
          source: runtime,
          backend,
          cause,
        },
      );
    }
    throw new LoadError(`could not load ONNX model ${source} on ${backend}: ${what}`, { source, backend, cause });
  } finally {
    // The runtime is compiled by now (or failed for good): do not keep its binary alive. The runtime's
    // glue keeps its own reference for the worker's life (14 MB): detach the bytes under it.
    releaseBinary(ort.env.wasm.wasmBinary);
    delete ort.env.wasm.wasmBinary;
  }
  const inputs = describeValues(session.inputMetadata, source);
  const outputs = describeValues(session.outputMetadata, source);
  const device = backend === 'webgpu' ? await ort.env.webgpu.device : undefined;
  return {
    inputs,
    outputs,
    runtime: `onnxruntime-web ${ort.env.versions.web}`,
    ...(device && {
      device: {
        lost: device.lost.then(
          (info) => `the WebGPU device was lost (${info.reason}: ${info.message || 'no message'})`,
        ),
        loseForTesting: () => device.destroy(),
        liveBuffersForTesting: countBuffers(device),
      },
    }),
    async run(feeds: Tensors): Promise<Tensors> {
      const results = await runSession(
        Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, toOrtTensor(ort, t)])),
      );
      const outputsByName: Tensors = {};
      for (const info of outputs) outputsByName[info.name] = await onCpu(results[info.name] as Ort.Tensor);
      return outputsByName;
    },
    async runResident(feeds: ResidentTensors, keep: boolean): Promise<ResidentTensors> {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, value] of Object.entries(feeds)) ortFeeds[name] = await feedOf(ort, value, backend);
      const results = await runSession(ortFeeds);
      const outputsByName: ResidentTensors = {};
      for (const info of outputs) {
        const tensor = results[info.name] as Ort.Tensor;
        outputsByName[info.name] = keep && tensor.location === 'gpu-buffer' ? resident(tensor) : await onCpu(tensor);
      }
      return outputsByName;
    },
    dispose: () => session.release(),
  };

  async function runSession(ortFeeds: Record<string, Ort.Tensor>): Promise<Ort.InferenceSession.ReturnType> {
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await (backend === 'webgpu' ? oneAtATime(() => session.run(ortFeeds)) : session.run(ortFeeds));
    } catch (cause) {
      const what = messageOf(cause);
      if (outOfMemory.test(what)) {
        throw new OutOfMemoryError(`the ${backend} runtime ran out of memory for this request: ${what}`, {
          backend,
          cause,
        });
      }
      throw new InferenceError(`onnxruntime-web failed to run the model on ${backend}: ${what}`, { backend, cause });
    }
    return results;
  }
}
