// The dtypes webinfer speaks, the arrays that carry them, and how dims read.
import type { Dim, Dtype, TensorData } from './types.js';

type TypedArrayConstructor = {
  new (length: number): TensorData;
  readonly name: string;
  readonly BYTES_PER_ELEMENT: number;
};

export const arrayTypes: Readonly<Record<Dtype, TypedArrayConstructor>> = Object.freeze({
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  float16: Uint16Array,
});

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(arrayTypes, value);
}

/** Whether `data` is an array webinfer accepts for `dtype` (float16 also takes a native Float16Array). */
export function isDataOfDtype(data: unknown, dtype: Dtype): data is TensorData {
  if (!ArrayBuffer.isView(data)) return false;
  const name = data.constructor.name;
  return name === arrayTypes[dtype].name || (dtype === 'float16' && name === 'Float16Array');
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

export function isSymbolic(dim: Dim): boolean {
  return typeof dim === 'string' || dim < 0;
}

/** A declared shape with each symbolic dim taken as 1: the dims of a made-up tensor that fits it. */
export function concreteDims(shape: readonly Dim[]): number[] {
  return shape.map((dim) => (isSymbolic(dim) ? 1 : (dim as number)));
}

export function formatDims(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;
}

/**
 * The array in the form runtimes store it: a native Float16Array is viewed as its raw bits, so that
 * copies move bits rather than convert numbers.
 */
export function storageOf(data: TensorData, dtype: Dtype): TensorData {
  return dtype === 'float16' && !(data instanceof Uint16Array)
    ? new Uint16Array(data.buffer, data.byteOffset, data.length)
    : data;
}
