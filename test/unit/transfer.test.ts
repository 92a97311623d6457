import { describe, expect, it } from 'vitest';
import { prepareTransfer } from '../../src/shared/transfer.js';
import type { Tensors } from '../../src/shared/types.js';

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
    prepareTransfer({ a: { dtype: 'float32', dims: [2], data }, b: { dtype: 'float32', dims: [2], data } }, transfer);
    expect([...transfer]).toEqual([data.buffer]);
  });

  it('does not modify the tensors it is given', () => {
    const view = new Float32Array([0, 1, 2, 3]).subarray(1);
    const tensors: Tensors = { x: { dtype: 'float32', dims: [3], data: view } };
    prepareTransfer(tensors, new Set());
    expect(tensors.x?.data).toBe(view);
  });
});
