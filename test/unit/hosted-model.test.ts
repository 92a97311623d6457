import { describe, expect, it } from 'vitest';
import type { LoadRequest } from '../../src/shared/protocol.js';
import type { Tensor, TensorInfo, Tensors } from '../../src/shared/types.js';
import type { Engine } from '../../src/worker/engines/engine.js';
import { hostModel } from '../../src/worker/batching/hosted-model.js';

const info: TensorInfo[] = [{ name: 'x', dtype: 'float32', shape: ['time', 2] }];
const batch: LoadRequest['batch'] = { maxSize: 64, maxDelayMs: 0, dim0: 'probe' };
const feeds = (values: number[]): Tensors => ({
  x: { dtype: 'float32', dims: [values.length / 2, 2], data: new Float32Array(values) },
});

/** A fake engine whose output row r is `mix` of the input rows; it counts its runs. */
function fakeEngine(mix: (rows: number[][], r: number) => number[]): Engine & { runs: number } {
  const engine = {
    runs: 0,
    inputs: info,
    outputs: [{ ...info[0]!, name: 'y' }],
    async run(input: Tensors): Promise<Tensors> {
      engine.runs += 1;
      const x = input.x as Tensor;
      const values = Array.from(x.data as Float32Array);
      const rows = Array.from({ length: x.dims[0] as number }, (_, r) => values.slice(r * 2, r * 2 + 2));
      return {
        y: { dtype: 'float32', dims: [...x.dims], data: new Float32Array(rows.flatMap((_, r) => mix(rows, r))) },
      };
    },
    dispose: async () => undefined,
  };
  return engine;
}

const cumsum = (rows: number[][], r: number) =>
  [0, 1].map((c) => rows.slice(0, r + 1).reduce((s, row) => s + (row[c] as number), 0));
const negate = (rows: number[][], r: number) => (rows[r] as number[]).map((v) => -v);
const values = (out: Tensors) => Array.from(out.y!.data as Float32Array);

describe('hostModel', () => {
  it('runs one caller’s batch one feeds object at a time when the probe finds the rows are not independent', async () => {
    const engine = fakeEngine(cumsum);
    const model = hostModel(engine, batch);
    const results = await Promise.all(
      [
        [1, 2],
        [10, 20],
        [100, 200],
      ].map((row) => model.batcher.push(feeds(row), 'call')),
    );
    expect(results.map(values)).toEqual([
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
    expect(model.stats).toMatchObject({ runs: 3, requests: 3, largestRun: 1, batching: { coalesces: false } });
    expect(model.stats.batching.reason).toMatch(/dim 0 is not a batch/);
  });

  it('coalesces once the probe verified the rows, and leaves the probe’s runs out of the stats', async () => {
    const engine = fakeEngine(negate);
    const model = hostModel(engine, batch);
    const results = await Promise.all(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ].map((row) => model.batcher.push(feeds(row), 'call')),
    );
    expect(results.map(values)).toEqual([
      [-1, -2],
      [-3, -4],
      [-5, -6],
    ]);
    expect(model.stats).toMatchObject({ runs: 1, requests: 3, largestRun: 3, batching: { coalesces: true } });
    expect(engine.runs).toBe(1 + 4);
  });

  it('never probes a lone request: a model that is never called concurrently pays nothing', async () => {
    const engine = fakeEngine(negate);
    const model = hostModel(engine, batch);
    await model.batcher.push(feeds([1, 2]));
    expect(engine.runs).toBe(1);
    expect(model.stats.batching).toMatchObject({ coalesces: false, reason: expect.stringMatching(/^not checked yet/) });
  });

  it('trusts dim 0 without a probe when told to', async () => {
    const engine = fakeEngine(cumsum);
    const model = hostModel(engine, { ...batch, dim0: 'trust' });
    await Promise.all(
      [
        [1, 2],
        [10, 20],
      ].map((row) => model.batcher.push(feeds(row), 'call')),
    );
    expect(engine.runs).toBe(1);
    expect(model.stats).toMatchObject({ runs: 1, largestRun: 2, batching: { coalesces: true } });
  });

  it('times a run of made-up feeds alone, never coalesced with the callers’ runs, and leaves it out of the stats', async () => {
    const engine = fakeEngine(negate);
    const model = hostModel(engine, { ...batch, dim0: 'trust' });
    const calls = [1, 2, 3].map((v) => model.batcher.push(feeds([v, v]), 'call'));
    const timed = model.timeAlone(feeds([7, 7]));
    const later = [4, 5].map((v) => model.batcher.push(feeds([v, v]), 'call'));
    const results = await Promise.all([...calls, ...later]);
    expect(await timed).toBeGreaterThanOrEqual(0);
    expect(results.map(values)).toEqual([1, 2, 3, 4, 5].map((v) => [-v, -v]));
    // The five calls share a run; the timed feeds never join it, and their run is not counted.
    expect(engine.runs).toBe(2);
    expect(model.stats).toMatchObject({ runs: 1, requests: 5, largestRun: 5 });
  });
});
