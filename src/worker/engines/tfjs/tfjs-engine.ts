import type { DataType, NamedTensorMap, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { InferenceError, LoadError, messageOf } from '../../../shared/errors.js';
import type { Backend, Dim, Tensor, TensorInfo, Tensors } from '../../../shared/types.js';
import type { Engine, EngineSetup, RuntimeDelivery, RuntimeFiles } from '../engine.js';
import { modelArtifacts, parseModelJson } from './tfjs-model-json.js';
import { loadRunner, type Runner } from './tfjs-runners.js';
import { loadTfjsRuntime, onBackend, type Tf } from './tfjs-runtime.js';
import { toTensorInfo } from './tfjs-signature.js';

/** Starts the backend (WASM: fetches and compiles its binary) while the model downloads. */
export function warmUp(
  backend: Backend,
  runtimeFiles: RuntimeFiles,
  numThreads: number,
  delivery: RuntimeDelivery,
): Promise<unknown> {
  return loadTfjsRuntime(backend, runtimeFiles, numThreads, delivery);
}

function toTfTensors(tf: Tf, feeds: Tensors): NamedTensorMap {
  const tensors: NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    tensors[name] = tf.tensor(tensor.data as Float32Array, [...tensor.dims], tensor.dtype as DataType);
  }
  return tensors;
}

/** Runs once, outputs disposed even when reading them fails; the inputs are the caller's to dispose. */
async function runOnce(tf: Tf, runner: Runner, inputs: NamedTensorMap, copy: boolean): Promise<Tensor[]> {
  let outputs: TfTensor[] = [];
  try {
    outputs = await runner.predict(inputs);
    const data = await Promise.all(outputs.map((output) => output.data()));
    // The cpu backend hands out its own storage, which may be a weight's or an input's: copy it
    // before it is transferred away (WASM and WebGPU reads are copies already).
    return outputs.map((output, i) => {
      const values = data[i] as Float32Array;
      return { dtype: output.dtype, dims: output.shape, data: copy ? values.slice() : values } as Tensor;
    });
  } finally {
    tf.dispose(outputs);
  }
}

// Graph models may leave output shapes unsaid: run once on zeros to learn them. Dim 0 follows the
// batch when it comes out as the 2 rows that went in.
async function probeOutputs(tf: Tf, runner: Runner, inputs: readonly TensorInfo[], copy: boolean): Promise<Tensor[]> {
  const batched = inputs.every((input) => input.shape[0] === -1);
  const feeds = tf.tidy(() => {
    const zeros: NamedTensorMap = {};
    for (const input of inputs) {
      const dims = input.shape.map((dim, axis) => (typeof dim === 'number' && dim >= 0 ? dim : axis === 0 ? 2 : 1));
      zeros[input.name] = tf.zeros(dims, input.dtype as DataType);
    }
    return zeros;
  });
  try {
    const outputs = await runOnce(tf, runner, feeds, copy);
    return outputs.map((output) => ({
      ...output,
      dims: batched && output.dims[0] === 2 ? [-1, ...output.dims.slice(1)] : output.dims,
    }));
  } finally {
    tf.dispose(Object.values(feeds));
  }
}

async function describe(
  tf: Tf,
  runner: Runner,
  source: string,
  copy: boolean,
): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  const inputs = runner.inputs.map((input) => {
    if (input.shape === undefined || input.dtype === undefined) {
      throw new LoadError(`TF.js model ${source} does not say the shape or dtype of input '${input.name}'`, { source });
    }
    return toTensorInfo(input, input.shape, input.dtype, source);
  });
  const complete = runner.outputs.every((output) => output.shape !== undefined && output.dtype !== undefined);
  const probed = complete ? [] : await probeOutputs(tf, runner, inputs, copy);
  const outputs = runner.outputs.map((output, i) => {
    const seen = probed[i];
    return toTensorInfo(
      output,
      output.shape ?? ((seen?.dims ?? []) as Dim[]),
      output.dtype ?? seen?.dtype ?? 'unknown',
      source,
    );
  });
  return { inputs, outputs };
}

/** Reads model.json through `setup.readModel`, so that it is cached only once TF.js has loaded the model. */
export function create(setup: EngineSetup): Promise<Engine> {
  return setup.readModel((modelJson) => createModel(setup, modelJson));
}

async function createModel(setup: EngineSetup, modelJson: Uint8Array): Promise<Engine> {
  const { source, backend } = setup;
  const tf = await loadTfjsRuntime(backend, setup.runtimeFiles, setup.numThreads, {
    stallTimeoutMs: setup.stallTimeoutMs,
  });
  const json = parseModelJson(modelJson, source);
  // Weight shards given in memory; otherwise they are fetched next to the model URL.
  const weights = setup.model.kind === 'tfjs-artifacts' ? setup.model.weights : undefined;
  const artifacts = await modelArtifacts(json, source, weights, setup.fetchFile, setup.onProgress);
  setup.onProgress({ phase: 'init' });
  const copy = backend === 'cpu';
  const runner = await onBackend(backend, () => loadRunner(tf, json, artifacts, source));
  let described: { inputs: TensorInfo[]; outputs: TensorInfo[] };
  try {
    described = await onBackend(backend, () => describe(tf, runner, source, copy));
  } catch (error) {
    runner.dispose();
    throw error;
  }
  const { inputs, outputs } = described;
  return {
    runtime: `TensorFlow.js ${tf.version_core}`,
    inputs,
    outputs,
    run: (feeds) =>
      onBackend(backend, async () => {
        const tensors = toTfTensors(tf, feeds);
        try {
          const results = await runOnce(tf, runner, tensors, copy);
          return Object.fromEntries(outputs.map((output, i) => [output.name, results[i] as Tensor]));
        } catch (cause) {
          const what = messageOf(cause);
          throw new InferenceError(`TF.js failed to run ${runner.format} ${source} on ${backend}: ${what}`, {
            backend,
            cause,
          });
        } finally {
          tf.dispose(Object.values(tensors));
        }
      }),
    dispose: () => onBackend(backend, () => runner.dispose()),
    stats: () => ({ engineTensors: tf.memory().numTensors }),
  };
}
