import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { LoadError } from '../../../shared/errors.js';
import type { Dim, Dtype, TensorInfo } from '../../../shared/types.js';
import type { ModelJson } from './tfjs-model-json.js';

/** What a model file says about one input or output; a graph model may leave shape or dtype unsaid. */
export interface DeclaredTensor {
  name: string;
  dtype: string | undefined;
  shape: Dim[] | undefined;
}

interface SignatureEntry {
  name: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

interface Signature {
  inputs?: Record<string, SignatureEntry>;
  outputs?: Record<string, SignatureEntry>;
}

// TF.js runs every integer type as int32 and every float type as float32; its graph loader converts
// these on load, so the model takes (and gives) the converted types.
const dtypes: Record<string, Dtype> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
  DT_FLOAT: 'float32',
  DT_HALF: 'float32',
  DT_DOUBLE: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int32',
  DT_INT16: 'int32',
  DT_INT8: 'int32',
  DT_UINT8: 'int32',
  DT_UINT16: 'int32',
  DT_BOOL: 'bool',
};

function dimOf(size: string | number | null | undefined): Dim {
  const dim = Number(size ?? -1);
  return Number.isInteger(dim) && dim >= 0 ? dim : -1;
}

/** 'Identity:0' names output 0 of node 'Identity', which TF.js also accepts as plain 'Identity'. */
function nodeName(tensorName: string): string {
  return tensorName.endsWith(':0') ? tensorName.slice(0, -2) : tensorName;
}

function fromSignature(entry: SignatureEntry): DeclaredTensor {
  const { tensorShape } = entry;
  const shape =
    tensorShape === undefined || tensorShape.unknownRank
      ? undefined
      : (tensorShape.dim ?? []).map((d) => dimOf(d.size));
  return { name: nodeName(entry.name), dtype: entry.dtype, shape };
}

/**
 * A graph model's inputs and outputs: from model.json's signature (converters put it at the top level
 * or in userDefinedMetadata), else from what TF.js read off the Placeholder and output nodes.
 */
export function declaredGraphTensors(
  model: GraphModel,
  json: ModelJson,
): { inputs: DeclaredTensor[]; outputs: DeclaredTensor[] } {
  const signature = (json.signature ?? json.userDefinedMetadata?.signature) as Signature | undefined;
  const fromModel = (values: GraphModel['inputs']): DeclaredTensor[] =>
    values.map((value) => ({ name: value.name, dtype: value.dtype, shape: value.shape?.map(dimOf) }));
  return {
    inputs: signature?.inputs ? Object.values(signature.inputs).map(fromSignature) : fromModel(model.inputs),
    outputs: signature?.outputs ? Object.values(signature.outputs).map(fromSignature) : fromModel(model.outputs),
  };
}

/** A layers model's inputs and outputs, named by their layers, as Keras does. */
export function declaredLayersTensors(model: LayersModel): { inputs: DeclaredTensor[]; outputs: DeclaredTensor[] } {
  const describe = (names: string[], values: LayersModel['inputs']): DeclaredTensor[] =>
    values.map((value, i) => ({ name: names[i] ?? value.name, dtype: value.dtype, shape: value.shape.map(dimOf) }));
  return { inputs: describe(model.inputNames, model.inputs), outputs: describe(model.outputNames, model.outputs) };
}

/** A declared tensor as webinfer describes it, or a LoadError naming a dtype TF.js cannot hand over. */
export function toTensorInfo(declared: DeclaredTensor, shape: Dim[], dtype: string, source: string): TensorInfo {
  const known = dtypes[dtype];
  if (known === undefined) {
    throw new LoadError(`TF.js model ${source} uses ${dtype} for '${declared.name}', which webinfer does not support`, {
      source,
    });
  }
  return { name: declared.name, dtype: known, shape };
}
