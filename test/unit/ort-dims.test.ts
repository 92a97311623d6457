import { describe, expect, it } from 'vitest';
import { normalizeDim } from '../../src/worker/engines/onnx/ort-dims.js';

describe('normalizeDim', () => {
  it('normalizes an unnamed dynamic dim, whether reported as -1 or as 4294967295, to -1', () => {
    expect(normalizeDim(-1)).toBe(-1);
    expect(normalizeDim(4294967295)).toBe(-1);
  });

  it('keeps named symbolic dims and fixed sizes as they are', () => {
    expect(normalizeDim('batch')).toBe('batch');
    expect(normalizeDim(3)).toBe(3);
    expect(normalizeDim(0)).toBe(0);
  });
});
