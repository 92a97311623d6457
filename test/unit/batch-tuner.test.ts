import { describe, expect, it } from 'vitest';
import { BatchTuner } from '../../src/worker/batching/batch-tuner.js';

/** Feeds the tuner the runs it asks for, with a per-row cost that depends on the batch size. */
function learn(tuner: BatchTuner, msPerRow: (rows: number) => number, runs = 60): number[] {
  const limits: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const rows = tuner.limit();
    limits.push(rows);
    tuner.record(rows, rows * msPerRow(rows));
  }
  return limits;
}

describe('BatchTuner', () => {
  it('measures each size three times, smallest first, before it trusts any', () => {
    const tuner = new BatchTuner(8);
    expect(learn(tuner, () => 1, 12).slice(0, 12)).toEqual([1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8]);
  });

  it('settles on the largest size when batching keeps paying off (a small MLP)', () => {
    const tuner = new BatchTuner(64);
    learn(tuner, (rows) => 0.025 / rows + 0.001);
    expect(tuner.limit()).toBe(64);
  });

  it('runs requests apart when every batch is slower per row than one alone (a conv net on WASM)', () => {
    const tuner = new BatchTuner(64);
    learn(tuner, (rows) => (rows === 1 ? 2.9 : 3.6));
    expect(tuner.limit()).toBe(1);
  });

  it('caps batches at the cheapest size when costs fall and then rise', () => {
    const tuner = new BatchTuner(64);
    const cost: Record<number, number> = { 1: 4, 2: 3, 4: 2, 8: 2.5, 16: 3, 32: 3, 64: 3 };
    learn(tuner, (rows) => cost[rows] as number);
    expect(tuner.limit()).toBe(4);
  });

  it('files a run under the largest size class it reaches', () => {
    const tuner = new BatchTuner(8);
    for (let i = 0; i < 3; i += 1) tuner.record(1, 1);
    for (let i = 0; i < 3; i += 1) tuner.record(3, 3); // 3 rows count as class 2
    expect(tuner.limit()).toBe(4);
  });

  it('now and then tries the size above the best again, in case costs changed', () => {
    const tuner = new BatchTuner(64);
    const limits = learn(tuner, (rows) => (rows === 1 ? 1 : 2), 200);
    expect(limits.slice(10).filter((limit) => limit === 2).length).toBeGreaterThan(0);
    expect(limits.slice(10).filter((limit) => limit === 1).length).toBeGreaterThan(150);
  });

  it('passes over the sizes that one request alone already exceeds, so that 8-row requests can coalesce', () => {
    const tuner = new BatchTuner(64);
    expect(tuner.limit(8)).toBe(8);
    for (let i = 0; i < 3; i += 1) tuner.record(8, 8);
    expect(tuner.limit(8)).toBe(16);
  });
});
