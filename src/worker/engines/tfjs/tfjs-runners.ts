import type { io, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { LoadError, messageOf } from '../../../shared/errors.js';
import type { Tf } from './tfjs-runtime.js';
import type { ModelJson } from './tfjs-model-json.js';
import { declaredGraphTensors, declaredLayersTensors, type DeclaredTensor } from './tfjs-signature.js';

/** One loaded TF.js model, whichever its format: tensors in, tensors out, TF.js types throughout. */
export interface Runner {
  readonly format: 'graph-model' | 'layers-model';
  readonly inputs: DeclaredTensor[];
  readonly outputs: DeclaredTensor[];
  /** Output tensors in the order of `outputs`; the caller disposes them and the inputs. */
  predict(inputs: NamedTensorMap): Tensor[] | Promise<Tensor[]>;
  dispose(): void;
}

function formatOf(json: ModelJson, source: string): Runner['format'] {
  if (json.format === 'graph-model' || json.format === 'layers-model') return json.format;
  const topology = json.modelTopology as Record<string, unknown>;
  if ('node' in topology) return 'graph-model';
  if ('model_config' in topology || 'class_name' in topology) return 'layers-model';
  throw new LoadError(
    `TF.js model ${source} is neither a graph model nor a layers model (format: ${String(json.format)})`,
    {
      source,
    },
  );
}

const asList = (result: Tensor | Tensor[]): Tensor[] => (Array.isArray(result) ? result : [result]);

async function graphRunner(tf: Tf, json: ModelJson, artifacts: io.ModelArtifacts): Promise<Runner> {
  // The converter and the layers API are chunks of their own, imported by the first model needing one.
  const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
  const model = await loadGraphModel(tf.io.fromMemory(artifacts));
  const { inputs, outputs } = declaredGraphTensors(model, json);
  const outputNames = outputs.map((output) => output.name);
  // Graphs with control flow or dynamic shapes (loops, NonMaxSuppression…) only run asynchronously;
  // TF.js says so when execute() meets one, and then we switch for good.
  let needsAsync = false;
  return {
    format: 'graph-model',
    inputs,
    outputs,
    predict(feeds) {
      if (!needsAsync) {
        try {
          return tf.tidy(() => asList(model.execute(feeds, outputNames)));
        } catch (error) {
          if (!String((error as Error | undefined)?.message).includes('executeAsync')) throw error;
          needsAsync = true;
        }
      }
      return model.executeAsync(feeds, outputNames).then(asList);
    },
    dispose: () => model.dispose(),
  };
}

async function layersRunner(tf: Tf, artifacts: io.ModelArtifacts): Promise<Runner> {
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  const model = await loadLayersModel(tf.io.fromMemory(artifacts));
  const { inputs, outputs } = declaredLayersTensors(model);
  return {
    format: 'layers-model',
    inputs,
    outputs,
    // predictOnBatch runs the whole batch at once; predict() would cut it into batches of 32.
    predict: (feeds) => tf.tidy(() => asList(model.predictOnBatch(inputs.map((input) => feeds[input.name] as Tensor)))),
    dispose: () => void model.dispose(),
  };
}

/** Loads the model's weights onto TF.js's current backend. */
export async function loadRunner(
  tf: Tf,
  json: ModelJson,
  artifacts: io.ModelArtifacts,
  source: string,
): Promise<Runner> {
  const format = formatOf(json, source);
  try {
    return format === 'graph-model' ? await graphRunner(tf, json, artifacts) : await layersRunner(tf, artifacts);
  } catch (cause) {
    if (cause instanceof LoadError) throw cause;
    const what = messageOf(cause);
    throw new LoadError(`could not load TF.js ${format} ${source}: ${what}`, { source, cause });
  }
}
