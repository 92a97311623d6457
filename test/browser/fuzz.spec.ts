import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';
import { seeded } from '../seeded.mjs';

// Ways to break a good feeds object for mlp.onnx (input 'features' float32 [batch, 8]); the page
// builds each one, so they are real typed arrays, detached buffers and SharedArrayBuffers.
const mutations = [
  'null-feeds',
  'array-feeds',
  'unknown-name',
  'missing-input',
  'wrong-dtype',
  'unknown-dtype',
  'plain-array',
  'wrong-array-type',
  'string-data',
  'no-data',
  'negative-dim',
  'fractional-dim',
  'nan-dim',
  'infinite-dim',
  'string-dim',
  'dims-not-array',
  'wrong-rank',
  'wrong-fixed-dim',
  'short-data',
  'long-data',
  'overflowing-dims',
  'detached',
  'shared-buffer',
  'tensor-null',
] as const;

type Step = { good: number[][] } | { bad: (typeof mutations)[number] };

function plan(seed: number, bad: number, good: number): Step[] {
  const next = seeded(seed);
  const steps: Step[] = [];
  let goodLeft = good;
  let badLeft = bad;
  while (goodLeft + badLeft > 0) {
    if (next() * (goodLeft + badLeft) < goodLeft) {
      const rows = 1 + Math.floor(next() * 3);
      steps.push({ good: Array.from({ length: rows }, () => featuresFor(Math.floor(next() * 1e6))) });
      goodLeft -= 1;
    } else {
      steps.push({ bad: mutations[Math.floor(next() * mutations.length)]! });
      badLeft -= 1;
    }
  }
  return steps;
}

test('1,000 seeded bad feeds interleaved with good ones: each bad one is an InputError, each good one is right, the worker lives', async ({
  sdk,
}) => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);
  test.info().annotations.push({ type: 'fuzz seed', description: String(seed) });
  const steps = plan(seed, 1000, 250);
  await sdk.load('mlp', sdk.modelUrl('mlp'));
  const outcomes = await sdk.page.evaluate(async (steps) => {
    const model = window.harness.models.mlp!;
    const good = (rows: number[][]) => ({
      dtype: 'float32' as const,
      dims: [rows.length, 8],
      data: new Float32Array(rows.flat()),
    });
    const tensor = (dims: unknown, data: unknown = new Float32Array(8)) => ({
      features: { dtype: 'float32', dims, data },
    });
    const detached = () => {
      const data = new Float32Array(8);
      structuredClone(data.buffer, { transfer: [data.buffer] });
      return tensor([1, 8], data);
    };
    const shared = () =>
      typeof SharedArrayBuffer === 'function'
        ? tensor([1, 8], new Float32Array(new SharedArrayBuffer(32)))
        : tensor([1, 8], [0]);
    const builders: Record<string, () => unknown> = {
      'null-feeds': () => null,
      'array-feeds': () => [tensor([1, 8])],
      'unknown-name': () => ({ ...tensor([1, 8]), feature: good([[1, 2, 3, 4, 5, 6, 7, 8]]) }),
      'missing-input': () => ({}),
      'wrong-dtype': () => ({ features: { dtype: 'float16', dims: [1, 8], data: new Uint16Array(8) } }),
      'unknown-dtype': () => ({ features: { dtype: 'complex64', dims: [1, 8], data: new Float32Array(8) } }),
      'plain-array': () =>
        tensor(
          [1, 8],
          Array.from({ length: 8 }, () => 0),
        ),
      'wrong-array-type': () => tensor([1, 8], new Float64Array(8)),
      'string-data': () => tensor([1, 8], '01234567'),
      'no-data': () => ({ features: { dtype: 'float32', dims: [1, 8] } }),
      'negative-dim': () => tensor([-1, 8]),
      'fractional-dim': () => tensor([0.5, 8]),
      'nan-dim': () => tensor([NaN, 8]),
      'infinite-dim': () => tensor([Infinity, 8]),
      'string-dim': () => tensor(['1', 8]),
      'dims-not-array': () => tensor('1,8'),
      'wrong-rank': () => tensor([1, 2, 4]),
      'wrong-fixed-dim': () => tensor([2, 4]),
      'short-data': () => tensor([2, 8]),
      'long-data': () => tensor([1, 8], new Float32Array(9)),
      'overflowing-dims': () => tensor([2 ** 40, 8]),
      detached,
      'shared-buffer': shared,
      'tensor-null': () => ({ features: null }),
    };
    const calls = steps.map((step) =>
      'good' in step
        ? model
            .predict({ features: good(step.good) })
            .then((out) => ({ probs: Array.from(out.probs!.data as Float32Array) }))
        : model.predict(builders[step.bad]!() as never).then(
            () => ({ resolved: step.bad }),
            (error) => ({ ...window.harness.error(error), isClass: error instanceof window.webinfer.InputError }),
          ),
    );
    const results = await Promise.all(calls);
    return { results, stats: await model.stats() };
  }, steps);
  steps.forEach((step, i) => {
    const outcome = outcomes.results[i] as Record<string, unknown>;
    const where = `step ${i} of seed ${seed} (${'bad' in step ? step.bad : 'good'})`;
    if ('bad' in step) {
      expect(outcome, where).toMatchObject({ name: 'InputError', isClass: true });
    } else {
      const expected = step.good.flatMap((row) => mlp(row).probs);
      expect(maxAbsDiff(outcome.probs as number[], expected), where).toBeLessThan(1e-4);
    }
  });
  // Only good requests reached the worker, and it served every one of them.
  expect(outcomes.stats.requests).toBe(250);
});
