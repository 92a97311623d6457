import { describe, expect, it } from 'vitest';
import type { LoadRequest } from '../../src/shared/protocol.js';
import type { Tensor, TensorInfo, Tensors } from '../../src/shared/types.js';
import { declaredBatching, probeBatching } from '../../src/worker/batching/batch-safety.js';
import { probeFeeds } from '../../src/worker/batching/probe-feeds.js';
import { rowMismatch } from '../../src/worker/batching/row-agreement.js';

const f32 = (dims: number[], values: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(values) });
const template: Tensors = { x: f32([1, 3], [0, 0, 0]) };

/** A fake engine over x [rows, 3]: `mix` decides what each output row is made of. */
function engine(mix: (rows: number[][]) => number[][]) {
  let runs = 0;
  const run = async (feeds: Tensors): Promise<Tensors> => {
    runs += 1;
    const x = feeds.x as Tensor;
    const rows = Array.from({ length: x.dims[0] as number }, (_, r) =>
      Array.from(x.data as Float32Array).slice(r * 3, r * 3 + 3),
    );
    const out = mix(rows);
    return { y: f32([out.length, 3], out.flat()) };
  };
  return { run, runs: () => runs };
}

const double = (rows: number[][]) => rows.map((row) => row.map((v) => 2 * v));
const cumsumOverDim0 = (rows: number[][]) =>
  rows.map((_, r) => [0, 1, 2].map((c) => rows.slice(0, r + 1).reduce((s, row) => s + (row[c] as number), 0)));

describe('probeFeeds', () => {
  it('makes 3 distinct rows shaped like the request, with the same data batched and row by row', () => {
    const { batched, alone } = probeFeeds({ x: f32([5, 2, 4], new Array(40).fill(0)) });
    expect(batched.x!.dims).toEqual([3, 2, 4]);
    expect(alone.map((feeds) => feeds.x!.dims)).toEqual([
      [1, 2, 4],
      [1, 2, 4],
      [1, 2, 4],
    ]);
    expect(alone.flatMap((feeds) => Array.from(feeds.x!.data as Float32Array))).toEqual(
      Array.from(batched.x!.data as Float32Array),
    );
    const rows = alone.map((feeds) => Array.from(feeds.x!.data as Float32Array).join());
    expect(new Set(rows).size).toBe(3);
  });

  it('gives integer inputs small non-negative values that differ per row, and bool inputs 0 or 1', () => {
    const { batched } = probeFeeds({
      ids: { dtype: 'int64', dims: [1, 1], data: new BigInt64Array(1) },
      mask: { dtype: 'bool', dims: [1, 4], data: new Uint8Array(4) },
    });
    expect(Array.from(batched.ids!.data as BigInt64Array)).toEqual([0n, 1n, 2n]);
    expect(Array.from(batched.mask!.data as Uint8Array).every((v) => v === 0 || v === 1)).toBe(true);
  });
});

describe('rowMismatch', () => {
  it('accepts outputs that differ by float rounding alone', () => {
    const alone = [{ y: f32([1, 2], [1, 2]) }, { y: f32([1, 2], [3, 4]) }];
    expect(rowMismatch({ y: f32([2, 2], [1.00001, 2, 3, 3.99999]) }, alone)).toBeUndefined();
  });

  it('names the output and the largest difference when a row came out otherwise in the batch', () => {
    const alone = [{ y: f32([1, 2], [1, 2]) }, { y: f32([1, 2], [3, 4]) }];
    expect(rowMismatch({ y: f32([2, 2], [1, 2, 4, 6]) }, alone)).toBe("output 'y', max diff 2");
  });

  it('says so when an output dim 0 does not follow the rows', () => {
    const alone = [{ y: f32([1, 2], [1, 2]) }, { y: f32([1, 2], [1, 2]) }];
    expect(rowMismatch({ y: f32([1, 2], [1, 2]) }, alone)).toMatch(/output 'y' has dims \[1, 2\] for 2 rows/);
  });
});

describe('declaredBatching', () => {
  const settings = (dim0: LoadRequest['batch']['dim0'], maxSize = 64): LoadRequest['batch'] => ({
    maxSize,
    maxDelayMs: 0,
    dim0,
  });
  const values = (dim0: number | string): TensorInfo[] => [{ name: 'y', dtype: 'float32', shape: [dim0, 3] }];
  const model = { inputs: values('batch'), outputs: values('batch') };

  it('asks for a probe when dim 0 is symbolic everywhere', () => {
    expect(declaredBatching(model, settings('probe'))).toMatchObject({ probe: true, status: { coalesces: false } });
  });

  it('never coalesces with batch: false, nor with a fixed dim 0, and says which', () => {
    expect(declaredBatching(model, settings('off'))).toEqual({
      probe: false,
      status: { coalesces: false, reason: 'batch: false' },
    });
    const fixed = declaredBatching({ inputs: model.inputs, outputs: values(1) }, settings('trust'));
    expect(fixed).toMatchObject({ probe: false, status: { coalesces: false } });
    expect(fixed.status.reason).toMatch(/^dim 0 of output 'y' is fixed/);
  });

  it('coalesces without a probe when told to trust dim 0', () => {
    expect(declaredBatching(model, settings('trust'))).toMatchObject({ probe: false, status: { coalesces: true } });
  });
});

describe('probeBatching', () => {
  it('verifies a model that computes each row on its own, in one batched and three solo runs', async () => {
    const fake = engine(double);
    await expect(probeBatching(fake.run, template)).resolves.toEqual({
      coalesces: true,
      reason: 'verified by a probe of 3 rows: each row gave the same outputs batched and alone',
    });
    expect(fake.runs()).toBe(4);
  });

  it('refuses a model that sums across dim 0, saying which output differed', async () => {
    const status = await probeBatching(engine(cumsumOverDim0).run, template);
    expect(status.coalesces).toBe(false);
    expect(status.reason).toMatch(
      /^a probe of 3 rows batched differed from the rows run alone \(output 'y', max diff [\d.]+\): dim 0 is not a batch/,
    );
  });

  it('refuses, without throwing, a model that rejects the made-up data', async () => {
    const status = await probeBatching(async () => {
      throw new Error('indices element out of data bounds');
    }, template);
    expect(status).toEqual({
      coalesces: false,
      reason:
        'a probe of 3 rows of made-up data failed to run (indices element out of data bounds); calls run one at a time',
    });
  });
});
