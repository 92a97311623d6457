import { describe, expect, it } from 'vitest';
import {
  concatRows,
  elementCount,
  formatDims,
  isSymbolic,
  normalizeDim,
  prepareTransfer,
  splitRows,
} from '../../src/tensor.js';
import type { Tensor, Tensors } from '../../src/types.js';

const f32 = (dims: number[], values: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(values) });

describe('dims helpers', () => {
  it('normalizes an unnamed dynamic dim, whether reported as -1 or as 4294967295, to -1', () => {
    expect(normalizeDim(-1)).toBe(-1);
    expect(normalizeDim(4294967295)).toBe(-1);
  });

  it('keeps named symbolic dims and fixed sizes as they are', () => {
    expect(normalizeDim('batch')).toBe('batch');
    expect(normalizeDim(3)).toBe(3);
    expect(normalizeDim(0)).toBe(0);
  });

  it('treats named and unnamed dims as symbolic and numbers >= 0 as fixed', () => {
    expect(isSymbolic('batch')).toBe(true);
    expect(isSymbolic(-1)).toBe(true);
    expect(isSymbolic(3)).toBe(false);
    expect(isSymbolic(0)).toBe(false);
  });

  it('counts elements as the product of dims, 1 for a scalar and 0 for an empty dim', () => {
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([])).toBe(1);
    expect(elementCount([5, 0])).toBe(0);
  });

  it('formats dims in brackets, showing an unnamed dynamic dim as ?', () => {
    expect(formatDims(['batch', -1, 8])).toBe('[batch, ?, 8]');
    expect(formatDims([])).toBe('[]');
  });
});

describe('prepareTransfer', () => {
  it('passes an array that covers its whole buffer as is, and lists that buffer', () => {
    const data = new Float32Array([1, 2, 3]);
    const transfer = new Set<ArrayBuffer>();
    const prepared = prepareTransfer({ x: { dtype: 'float32', dims: [3], data } }, transfer);
    expect(prepared.x?.data).toBe(data);
    expect(prepared.x?.dims).toEqual([3]);
    expect(prepared.x?.dtype).toBe('float32');
    expect([...transfer]).toEqual([data.buffer]);
  });

  it("copies a view into a larger buffer, so the caller's buffer is neither cloned whole nor detached", () => {
    const big = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const view = big.subarray(2, 5);
    const transfer = new Set<ArrayBuffer>();
    const prepared = prepareTransfer({ x: { dtype: 'float32', dims: [3], data: view } }, transfer);
    const sent = prepared.x?.data as Float32Array;
    expect(sent).not.toBe(view);
    expect(sent.buffer).not.toBe(big.buffer);
    expect(Array.from(sent)).toEqual([2, 3, 4]);
    expect(sent.buffer.byteLength).toBe(3 * 4);
    expect([...transfer]).toEqual([sent.buffer]);
    expect(transfer.has(big.buffer)).toBe(false);
  });

  it('lists a buffer shared by two inputs once', () => {
    const data = new Float32Array([1, 2]);
    const transfer = new Set<ArrayBuffer>();
    prepareTransfer(
      { a: { dtype: 'float32', dims: [2], data }, b: { dtype: 'float32', dims: [2], data } },
      transfer,
    );
    expect([...transfer]).toEqual([data.buffer]);
  });

  it('does not modify the tensors it is given', () => {
    const view = new Float32Array([0, 1, 2, 3]).subarray(1);
    const tensors: Tensors = { x: { dtype: 'float32', dims: [3], data: view } };
    prepareTransfer(tensors, new Set());
    expect(tensors.x?.data).toBe(view);
  });
});

describe('concatRows', () => {
  it('concatenates each input along dim 0 in request order, summing the rows', () => {
    const batched = concatRows([
      { x: f32([1, 2], [1, 2]) },
      { x: f32([3, 2], [3, 4, 5, 6, 7, 8]) },
      { x: f32([2, 2], [9, 10, 11, 12]) },
    ]);
    expect(batched.x?.dtype).toBe('float32');
    expect(batched.x?.dims).toEqual([6, 2]);
    expect(batched.x?.data).toBeInstanceOf(Float32Array);
    expect(Array.from(batched.x?.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('concatenates every named input, each with its own trailing dims', () => {
    const batched = concatRows([
      { x: f32([1, 2], [1, 2]), y: f32([1], [10]) },
      { x: f32([1, 2], [3, 4]), y: f32([1], [20]) },
    ]);
    expect(batched.x?.dims).toEqual([2, 2]);
    expect(Array.from(batched.x?.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(batched.y?.dims).toEqual([2]);
    expect(Array.from(batched.y?.data as Float32Array)).toEqual([10, 20]);
  });

  it('keeps int64 values exact as a BigInt64Array', () => {
    const big = 2n ** 62n + 1n;
    const batched = concatRows([
      { ids: { dtype: 'int64', dims: [1, 2], data: new BigInt64Array([big, -1n]) } },
      { ids: { dtype: 'int64', dims: [2, 2], data: new BigInt64Array([3n, 4n, 5n, -big]) } },
    ]);
    expect(batched.ids?.dims).toEqual([3, 2]);
    expect(batched.ids?.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(batched.ids?.data as BigInt64Array)).toEqual([big, -1n, 3n, 4n, 5n, -big]);
  });

  it('refuses an empty list of requests', () => {
    expect(() => concatRows([])).toThrow(RangeError);
  });
});

describe('splitRows', () => {
  it('gives each request exactly its own rows, in order', () => {
    const outputs: Tensors = { y: f32([6, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
    const [a, b, c] = splitRows(outputs, [1, 3, 2]);
    expect(a?.y?.dims).toEqual([1, 2]);
    expect(Array.from(a?.y?.data as Float32Array)).toEqual([1, 2]);
    expect(b?.y?.dims).toEqual([3, 2]);
    expect(Array.from(b?.y?.data as Float32Array)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(c?.y?.dims).toEqual([2, 2]);
    expect(Array.from(c?.y?.data as Float32Array)).toEqual([9, 10, 11, 12]);
  });

  it('gives each slice a buffer of its own, so each can be transferred to its own caller', () => {
    const outputs: Tensors = { y: f32([4, 3], Array.from({ length: 12 }, (_, i) => i)) };
    const slices = splitRows(outputs, [1, 2, 1]);
    const buffers = slices.map((slice) => slice.y?.data.buffer);
    expect(new Set(buffers).size).toBe(3);
    for (const slice of slices) {
      const data = slice.y?.data as Float32Array;
      expect(data.byteOffset).toBe(0);
      expect(data.buffer.byteLength).toBe(data.byteLength);
      expect(data.buffer).not.toBe(outputs.y?.data.buffer);
    }
  });

  it('splits every output, keeping each dtype', () => {
    const outputs: Tensors = {
      scores: f32([2, 2], [1, 2, 3, 4]),
      labels: { dtype: 'int64', dims: [2], data: new BigInt64Array([7n, 9n]) },
    };
    const [a, b] = splitRows(outputs, [1, 1]);
    expect(a?.labels).toEqual({ dtype: 'int64', dims: [1], data: new BigInt64Array([7n]) });
    expect(b?.labels).toEqual({ dtype: 'int64', dims: [1], data: new BigInt64Array([9n]) });
    expect(Array.from(b?.scores?.data as Float32Array)).toEqual([3, 4]);
  });

  it("throws when an output's dim 0 is not the batch's total rows, naming the output", () => {
    const outputs: Tensors = { pooled: f32([1, 4], [1, 2, 3, 4]) };
    expect(() => splitRows(outputs, [1, 2])).toThrow(RangeError);
    expect(() => splitRows(outputs, [1, 2])).toThrow(
      "output 'pooled' has dims [1, 4]; a batch of 3 rows needs dim 0 = 3",
    );
  });

  it('round-trips with concatRows: split(concat(requests)) gives back each request', () => {
    const requests: Tensors[] = [
      { x: f32([2, 3], [1, 2, 3, 4, 5, 6]) },
      { x: f32([1, 3], [7, 8, 9]) },
      { x: f32([3, 3], [10, 11, 12, 13, 14, 15, 16, 17, 18]) },
    ];
    const back = splitRows(concatRows(requests), [2, 1, 3]);
    expect(back).toEqual(requests);
  });
});
