import { describe, expect, it } from 'vitest';
import type { Tensor, Tensors } from '../../src/shared/types.js';
import { concatRows, splitRows } from '../../src/worker/batching/rows.js';

const f32 = (dims: number[], values: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(values) });

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
    const outputs: Tensors = {
      y: f32(
        [4, 3],
        Array.from({ length: 12 }, (_, i) => i),
      ),
    };
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
