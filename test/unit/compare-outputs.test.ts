import { describe, expect, it } from 'vitest';
import { compareOutputs, worstBeyond } from '../../src/worker/probe/compare-outputs.js';
import type { Tensors } from '../../src/shared/types.js';

const f32 = (values: number[], dims = [values.length]): Tensors[string] => ({
  dtype: 'float32',
  dims,
  data: Float32Array.from(values),
});

describe('compareOutputs', () => {
  it('measures each output against the reference, scaled by the reference', () => {
    const [diff] = compareOutputs({ y: f32([1.5, 10.2]) }, { y: f32([1, 10]) });
    expect(diff?.maxAbs).toBeCloseTo(0.5, 6);
    expect(diff?.maxScaled).toBeCloseTo(0.25, 6); // 0.5 / (1 + 1) beats 0.2 / 11
    expect(diff?.nonFinite).toBe(0);
  });

  it('counts NaN or Infinity on one side only, and never lets them pass the tolerance', () => {
    const diffs = compareOutputs({ y: f32([Number.NaN, 2]) }, { y: f32([1, 2]) });
    expect(diffs[0]?.nonFinite).toBe(1);
    expect(worstBeyond(diffs, 1e9)?.output).toBe('y');
  });

  it('says when the dims differ', () => {
    const [diff] = compareOutputs({ y: f32([1, 2], [1, 2]) }, { y: f32([1, 2], [2, 1]) });
    expect(diff?.dimsDiffer).toBe('[1,2] vs [2,1]');
    expect(worstBeyond([diff!], 1)?.output).toBe('y');
  });

  it('picks the worst output beyond the tolerance, and none when all agree', () => {
    const diffs = compareOutputs(
      { a: f32([1.001]), b: f32([3]), c: f32([0]) },
      { a: f32([1]), b: f32([1]), c: f32([0]) },
    );
    expect(worstBeyond(diffs, 1e-3)?.output).toBe('b');
    expect(worstBeyond(diffs.slice(0, 1), 1e-3)).toBeUndefined();
  });

  it('compares int64 outputs as numbers', () => {
    const ids = (values: bigint[]): Tensors[string] => ({
      dtype: 'int64',
      dims: [2],
      data: BigInt64Array.from(values),
    });
    expect(compareOutputs({ i: ids([1n, 5n]) }, { i: ids([1n, 2n]) })[0]?.maxAbs).toBe(3);
  });
});
