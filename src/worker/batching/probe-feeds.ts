import { arrayTypes } from '../../shared/dtypes.js';
import { splitRows } from './rows.js';
import type { Dtype, Tensor, TensorData, Tensors } from '../../shared/types.js';

/** Rows in a probe: with 3, a mix-up that swaps two rows still leaves a third to tell. */
export const probeRows = 3;

/** xorshift32: the same probe data on every run, in every browser. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * One value of made-up data as the array stores it. Integers stay small and non-negative, so that a
 * model reading them as indices (a Gather, an embedding) most likely accepts them.
 */
function madeUpValue(dtype: Dtype, next: () => number): number | bigint {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return next() * 4 - 2;
    case 'float16':
      // Raw half bits: a random sign, exponent 13..15 (magnitudes 0.25 to 2), random mantissa.
      return ((next() < 0.5 ? 1 : 0) << 15) | ((13 + Math.floor(next() * 3)) << 10) | Math.floor(next() * 1024);
    case 'bool':
      return next() < 0.5 ? 0 : 1;
    case 'int64':
    case 'uint64':
      return BigInt(Math.floor(next() * 4));
    default:
      return Math.floor(next() * 4);
  }
}

/** Row i's first value is i where the dtype allows, so that no two rows of an integer input are equal. */
function rowMark(dtype: Dtype, row: number): number | bigint | undefined {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'float16') return undefined;
  if (dtype === 'bool') return row & 1;
  return dtype === 'int64' || dtype === 'uint64' ? BigInt(row) : row;
}

function madeUp(dtype: Dtype, dims: number[], next: () => number): Tensor {
  const rows = dims[0] ?? 1;
  const rowLength = dims.slice(1).reduce((product, dim) => product * dim, 1);
  const data = new arrayTypes[dtype](rows * rowLength) as TensorData & (number | bigint)[];
  for (let i = 0; i < data.length; i += 1) data[i] = madeUpValue(dtype, next) as never;
  for (let row = 0; row < rows && rowLength > 0; row += 1) {
    const mark = rowMark(dtype, row);
    if (mark !== undefined) data[row * rowLength] = mark as never;
  }
  return { dtype, dims, data } as Tensor;
}

/** Deterministic made-up feeds of exactly these dtypes and dims. */
export function madeUpFeeds(shapes: Readonly<Record<string, { dtype: Dtype; dims: number[] }>>): Tensors {
  const next = generator(0x9e3779b9);
  const feeds: Tensors = {};
  for (const [name, { dtype, dims }] of Object.entries(shapes)) feeds[name] = madeUp(dtype, dims, next);
  return feeds;
}

/**
 * Feeds for a batch-safety probe: `rows` distinct rows of deterministic made-up data, shaped like
 * `template` (a real request, so that its symbolic non-batch dims take sizes the model accepts),
 * both as one batch and as one feeds object per row.
 */
export function probeFeeds(template: Tensors, rows = probeRows): { batched: Tensors; alone: Tensors[] } {
  const shapes = Object.entries(template).map(([name, { dtype, dims }]) => [
    name,
    { dtype, dims: [rows, ...dims.slice(1)] },
  ]);
  const batched = madeUpFeeds(Object.fromEntries(shapes));
  return {
    batched,
    alone: splitRows(
      batched,
      Array.from({ length: rows }, () => 1),
    ),
  };
}
