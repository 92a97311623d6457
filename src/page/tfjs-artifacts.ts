// Page side of in-memory TF.js models: turns artifacts (or a tf.io handler's) into what crosses to
// the worker. Knows TF.js's file format, not TF.js: nothing here imports it.
import { InputError, LoadError, messageOf } from '../shared/errors.js';
import type { ModelBytesOrUrl } from '../shared/protocol.js';
import { sendableBuffer } from '../shared/transfer.js';
import type { ModelSource, TfjsArtifacts, TfjsLoadHandler, TfjsModelArtifacts } from '../shared/types.js';

type Shard = ArrayBuffer | Uint8Array;

export function isTfjsArtifacts(source: ModelSource): source is TfjsArtifacts {
  return typeof source === 'object' && source !== null && 'modelJson' in source && 'weights' in source;
}

export function isTfjsLoadHandler(source: ModelSource): source is TfjsLoadHandler {
  return (
    typeof source === 'object' && source !== null && typeof (source as Partial<TfjsLoadHandler>).load === 'function'
  );
}

// Same rule as model bytes: a whole buffer is transferred, a view into a larger one is copied.
function sendableShard(shard: Shard, index: number): ArrayBuffer {
  if (shard instanceof ArrayBuffer) return shard;
  if (!(shard instanceof Uint8Array)) {
    throw new InputError(`TF.js weights[${index}] must be an ArrayBuffer or a Uint8Array, got ${typeof shard}`);
  }
  return sendableBuffer(shard);
}

/** What crosses to the worker for in-memory artifacts, and the buffers it transfers. */
export function describeTfjsArtifacts(artifacts: TfjsArtifacts): {
  bytesOrUrl: ModelBytesOrUrl;
  transfer: ArrayBuffer[];
} {
  const { modelJson } = artifacts;
  if (typeof modelJson !== 'string' && (typeof modelJson !== 'object' || modelJson === null)) {
    throw new InputError(
      `TF.js modelJson must be model.json's object or its text, got ${modelJson === null ? 'null' : typeof modelJson}`,
    );
  }
  const shards: readonly Shard[] = Array.isArray(artifacts.weights) ? artifacts.weights : [artifacts.weights as Shard];
  const weights = shards.map(sendableShard);
  const text = typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson);
  return { bytesOrUrl: { kind: 'tfjs-artifacts', modelJson: text, weights }, transfer: [...new Set(weights)] };
}

/** Reads a tf.io handler on the page (it may hold functions, which cannot cross) into plain artifacts. */
export async function artifactsFromHandler(handler: TfjsLoadHandler): Promise<TfjsArtifacts> {
  let artifacts: TfjsModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (cause) {
    throw new LoadError(`the TF.js IO handler's load() failed: ${messageOf(cause)}`, { source: 'artifacts', cause });
  }
  const { modelTopology, weightSpecs = [], weightData = [], ...rest } = artifacts;
  if (modelTopology === undefined || modelTopology instanceof ArrayBuffer) {
    throw new LoadError("the TF.js IO handler's artifacts need a JSON modelTopology (a model.json-style model)", {
      source: 'artifacts',
    });
  }
  const modelJson = { ...rest, modelTopology, weightsManifest: [{ paths: [], weights: weightSpecs }] };
  return { modelJson, weights: Array.isArray(weightData) ? weightData : [weightData] };
}
