// Expected outputs computed independently of the SDK and of onnxruntime, in float64, from the
// weights baked into the test models.
import { expect } from '@playwright/test';
import { MLP } from '../models/weights.mjs';

const f32 = (values: number[][]): number[][] => values.map((row) => row.map(Math.fround));
const W1 = f32(MLP.W1);
const W2 = f32(MLP.W2);
const b1 = MLP.b1.map(Math.fround);
const b2 = MLP.b2.map(Math.fround);

function affine(x: number[], W: number[][], b: number[]): number[] {
  return b.map((bias, j) => x.reduce((sum, xi, i) => sum + xi * (W[i] as number[])[j]!, bias));
}

/** mlp.onnx on one row of 8 features: logits and softmax probabilities. */
export function mlp(features: number[]): { logits: number[]; probs: number[] } {
  const hidden = affine(features, W1, b1).map((v) => Math.max(0, v));
  const logits = affine(hidden, W2, b2);
  const top = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return { logits, probs: exps.map((v) => v / total) };
}

/** Deterministic pseudo-random features: row `seed` of a reproducible input set. */
export function featuresFor(seed: number, width = MLP.inFeatures): number[] {
  return Array.from({ length: width }, (_, i) => Math.fround(Math.sin(seed * 12.9898 + i * 78.233) * 2));
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(actual: readonly (number | string)[], expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(0, ...expected.map((v, i) => Math.abs(Number(actual[i]) - v)));
}

/** cumsum_time.onnx: running sums down dim 0, per column. */
export function cumsumDim0(rows: readonly number[][]): number[][] {
  const sums = rows.map((row) => row.map(() => 0));
  rows.forEach((row, r) => row.forEach((v, c) => (sums[r]![c] = (r === 0 ? 0 : sums[r - 1]![c]!) + v)));
  return sums;
}

/** center_dim0.onnx: each row minus the mean of all rows. */
export function centerDim0(rows: readonly number[][]): number[][] {
  const means = rows[0]!.map((_, c) => rows.reduce((sum, row) => sum + row[c]!, 0) / rows.length);
  return rows.map((row) => row.map((v, c) => v - means[c]!));
}
