import { entries, expect, test } from './fixtures.js';
import { centerDim0, cumsumDim0, featuresFor, maxAbsDiff, mlp } from './reference.js';

for (const entry of entries) {
  test.describe(`batching (${entry} entry)`, () => {
    test.use({ entry });

    test('256 concurrent predict calls with distinct inputs each get their own result, in fewer engine runs', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const rows = Array.from({ length: 256 }, (_, i) => featuresFor(1000 + i));
      const { results, stats } = await sdk.page.evaluate(async (rows) => {
        const model = window.harness.models.mlp!;
        const calls = rows.map((row) =>
          model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } }),
        );
        const outputs = await Promise.all(calls);
        return {
          results: outputs.map((out) => Array.from(out.probs!.data as Float32Array)),
          stats: await model.stats(),
        };
      }, rows);
      results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
      expect(stats.requests).toBe(256);
      expect(stats.runs).toBeLessThan(256);
      expect(stats.largestRun).toBeGreaterThan(1);
      expect(stats.largestRun).toBeLessThanOrEqual(64);
    });

    test('predictBatch runs feeds of different row counts as one engine run, one result per feeds', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const groups = [[1], [2, 3], [4, 5, 6], [7]].map((seeds) => seeds.map((s) => featuresFor(s)));
      const { results, stats } = await sdk.page.evaluate(async (groups) => {
        const model = window.harness.models.mlp!;
        const feeds = groups.map((rows) => ({
          features: { dtype: 'float32' as const, dims: [rows.length, 8], data: new Float32Array(rows.flat()) },
        }));
        const outputs = await model.predictBatch(feeds);
        return { results: outputs.map((out) => window.harness.plain(out).probs!), stats: await model.stats() };
      }, groups);
      expect(stats).toMatchObject({ runs: 1, requests: 4, largestRun: 4, batching: { coalesces: true } });
      results.forEach((probs, i) => {
        const rows = groups[i]!;
        expect(probs.dims).toEqual([rows.length, 4]);
        expect(
          maxAbsDiff(
            probs.data,
            rows.flatMap((row) => mlp(row).probs),
          ),
        ).toBeLessThan(1e-4);
      });
    });

    test('a model whose batch dim is fixed runs concurrent calls one at a time, each correctly', async ({ sdk }) => {
      await sdk.load('fixed', sdk.modelUrl('fixed'));
      const { results, stats } = await sdk.page.evaluate(async () => {
        const model = window.harness.models.fixed!;
        const calls = Array.from({ length: 20 }, (_, i) =>
          model.predict({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([i, i + 1, i + 2, i + 3]) } }),
        );
        const outputs = await Promise.all(calls);
        return { results: outputs.map((out) => Array.from(out.y!.data as Float32Array)), stats: await model.stats() };
      });
      results.forEach((y, i) => expect(y).toEqual([2 * i, 2 * i + 2, 2 * i + 4, 2 * i + 6]));
      expect(stats).toMatchObject({ runs: 20, requests: 20, largestRun: 1, batching: { coalesces: false } });
    });

    test('requests whose non-batch dims differ are never coalesced together, and each gets its own sum', async ({
      sdk,
    }) => {
      await sdk.load('sum', sdk.modelUrl('two_inputs'));
      const results = await sdk.page.evaluate(async () => {
        const model = window.harness.models.sum!;
        const feeds = (n: number, base: number) => ({
          a: { dtype: 'float32' as const, dims: [1, n], data: Float32Array.from({ length: n }, (_, i) => base + i) },
          b: { dtype: 'float32' as const, dims: [1, n], data: new Float32Array(n).fill(100) },
        });
        const outputs = await Promise.all([2, 3, 2, 3, 4, 2].map((n, i) => model.predict(feeds(n, i * 10))));
        return outputs.map((out) => window.harness.plain(out).sum!);
      });
      [2, 3, 2, 3, 4, 2].forEach((n, i) => {
        expect(results[i]!.dims).toEqual([1, n]);
        expect(results[i]!.data).toEqual(Array.from({ length: n }, (_, k) => 100 + i * 10 + k));
      });
    });

    test('batch: false runs every call on its own; batch.maxSize caps the rows of one run', async ({ sdk }) => {
      await sdk.load('solo', sdk.modelUrl('mlp'), { batch: false });
      await sdk.load('capped', sdk.modelUrl('mlp'), { batch: { maxSize: 4 } });
      const stats = await sdk.page.evaluate(async () => {
        const burst = (key: string) => {
          const model = window.harness.models[key]!;
          const calls = Array.from({ length: 40 }, () =>
            model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill(0.5) } }),
          );
          return Promise.all(calls).then(() => model.stats());
        };
        return { solo: await burst('solo'), capped: await burst('capped') };
      });
      expect(stats.solo).toMatchObject({
        runs: 40,
        requests: 40,
        largestRun: 1,
        batching: { coalesces: false, reason: 'batch: false' },
      });
      expect(stats.capped.requests).toBe(40);
      expect(stats.capped.largestRun).toBeGreaterThan(1);
      expect(stats.capped.largestRun).toBeLessThanOrEqual(4);
    });
  });
}

/** Rows of 3 made-up values for calls to the dim-0 models: call i gets `rows[i]` rows. */
function rowsFor(counts: readonly number[]): number[][][] {
  return counts.map((n, i) => Array.from({ length: n }, (_, r) => featuresFor(500 + 10 * i + r, 3)));
}

test.describe('batch safety: a symbolic dim 0 is checked before calls coalesce', () => {
  test('concurrent single-row calls to a model whose dim 0 is time each get their own cumulative sum', async ({
    sdk,
  }) => {
    await sdk.load('cumsum', sdk.modelUrl('cumsum_time'));
    const calls = rowsFor(Array.from({ length: 60 }, (_, i) => (i % 5 === 4 ? 2 : 1)));
    const { results, stats } = await sdk.page.evaluate(async (calls) => {
      const model = window.harness.models.cumsum!;
      const outputs = await Promise.all(
        calls.map((rows) =>
          model.predict({ x: { dtype: 'float32', dims: [rows.length, 3], data: new Float32Array(rows.flat()) } }),
        ),
      );
      return { results: outputs.map((out) => window.harness.plain(out).y!), stats: await model.stats() };
    }, calls);
    results.forEach((y, i) => {
      expect(y.dims).toEqual([calls[i]!.length, 3]);
      expect(maxAbsDiff(y.data, cumsumDim0(calls[i]!).flat())).toBeLessThan(1e-5);
    });
    expect(stats).toMatchObject({ requests: 60, runs: 60, largestRun: 1, batching: { coalesces: false } });
  });

  test('predictBatch on a model that is not row-independent gives each feeds object its own result', async ({
    sdk,
  }) => {
    await sdk.load('center', sdk.modelUrl('center_dim0'));
    const groups = rowsFor([2, 3, 1, 2]);
    const { results, stats } = await sdk.page.evaluate(async (groups) => {
      const model = window.harness.models.center!;
      const outputs = await model.predictBatch(
        groups.map((rows) => ({
          x: { dtype: 'float32' as const, dims: [rows.length, 3], data: new Float32Array(rows.flat()) },
        })),
      );
      return { results: outputs.map((out) => window.harness.plain(out).y!), stats: await model.stats() };
    }, groups);
    results.forEach((y, i) => {
      expect(y.dims).toEqual([groups[i]!.length, 3]);
      expect(maxAbsDiff(y.data, centerDim0(groups[i]!).flat())).toBeLessThan(1e-5);
    });
    expect(stats).toMatchObject({ requests: 4, runs: 4, largestRun: 1 });
  });

  test('stats say why a model does or does not coalesce', async ({ sdk }) => {
    await sdk.load('cumsum', sdk.modelUrl('cumsum_time'));
    await sdk.load('mlp', sdk.modelUrl('mlp'));
    await sdk.load('solo', sdk.modelUrl('mlp'), { batch: false });
    await sdk.load('fixed', sdk.modelUrl('fixed'));
    const batching = await sdk.page.evaluate(async () => {
      const { cumsum, mlp, solo, fixed } = window.harness.models;
      const before = (await mlp!.stats()).batching;
      const burst = (model: typeof mlp, input: string, width: number) =>
        Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            model!.predictBatch([
              { [input]: { dtype: 'float32' as const, dims: [1, width], data: new Float32Array(width).fill(i) } },
              { [input]: { dtype: 'float32' as const, dims: [1, width], data: new Float32Array(width).fill(i + 1) } },
            ]),
          ),
        );
      // One model at a time: runs of four ONNX WebGPU sessions at once in one worker break ORT on
      // SwiftShader (a run fails, then the WASM fallback session fails to start), with or without a probe.
      for (const [model, input, width] of [
        [cumsum, 'x', 3],
        [mlp, 'features', 8],
        [solo, 'features', 8],
        [fixed, 'x', 4],
      ] as const) {
        await burst(model, input, width);
      }
      const reason = async (model: typeof mlp) => (await model!.stats()).batching;
      return {
        before,
        cumsum: await reason(cumsum),
        mlp: await reason(mlp),
        solo: await reason(solo),
        fixed: await reason(fixed),
      };
    });
    expect(batching.before).toEqual({
      coalesces: false,
      reason: expect.stringMatching(/^not checked yet: dim 0 is symbolic/),
    });
    expect(batching.cumsum).toEqual({
      coalesces: false,
      reason: expect.stringMatching(
        /^a probe of 3 rows batched differed from the rows run alone \(output 'y', max diff [\d.e+-]+\): dim 0 is not a batch; calls run one at a time$/,
      ),
    });
    expect(batching.mlp).toEqual({
      coalesces: true,
      reason: 'verified by a probe of 3 rows: each row gave the same outputs batched and alone',
    });
    expect(batching.solo).toEqual({ coalesces: false, reason: 'batch: false' });
    expect(batching.fixed).toEqual({
      coalesces: false,
      reason: "dim 0 of input 'x' is fixed ([1, 4]); calls run one at a time",
    });
  });

  test("batch: true skips the probe and coalesces, on the caller's word that dim 0 is a batch", async ({ sdk }) => {
    await sdk.load('trusted', sdk.modelUrl('cumsum_time'), { batch: true });
    const groups = rowsFor([1, 1]);
    const { results, stats } = await sdk.page.evaluate(async (groups) => {
      const model = window.harness.models.trusted!;
      const outputs = await model.predictBatch(
        groups.map((rows) => ({
          x: { dtype: 'float32' as const, dims: [rows.length, 3], data: new Float32Array(rows.flat()) },
        })),
      );
      return { results: outputs.map((out) => window.harness.plain(out).y!), stats: await model.stats() };
    }, groups);
    expect(stats).toMatchObject({
      runs: 1,
      requests: 2,
      largestRun: 2,
      batching: { coalesces: true, reason: expect.stringMatching(/trust/) },
    });
    // One run over both rows, as asked: the second row's sum includes the first's.
    expect(maxAbsDiff([...results[0]!.data, ...results[1]!.data], cumsumDim0(groups.flat()).flat())).toBeLessThan(1e-5);
  });

  test("a model that rejects the probe's made-up data still answers every concurrent call correctly", async ({
    sdk,
  }) => {
    await sdk.load('gather', sdk.modelUrl('gather_ids'));
    const ids = Array.from({ length: 30 }, (_, i) => [i % 2, (i >> 1) % 2]);
    const { results, stats } = await sdk.page.evaluate(async (ids) => {
      const model = window.harness.models.gather!;
      const outputs = await Promise.all(
        ids.map((pair) =>
          model.predict({ ids: { dtype: 'int64', dims: [1, 2], data: BigInt64Array.from(pair, BigInt) } }),
        ),
      );
      return { results: outputs.map((out) => window.harness.plain(out).rows!), stats: await model.stats() };
    }, ids);
    const table = [
      [1, 2, 3],
      [10, 20, 30],
    ];
    results.forEach((rows, i) =>
      expect(rows).toMatchObject({ dims: [1, 2, 3], data: ids[i]!.flatMap((id) => table[id]!) }),
    );
    expect(stats.requests).toBe(30);
    // WASM rejects the out-of-range ids; WebGPU may clamp them, and then the probe passes honestly.
    expect(stats.batching.reason).toMatch(
      /^(a probe of 3 rows of made-up data failed to run|verified by a probe of 3 rows)/,
    );
  });

  test('multi-row calls coalesce up to maxSize rows', async ({ sdk }) => {
    await sdk.load('two', sdk.modelUrl('mlp'));
    await sdk.load('eight', sdk.modelUrl('mlp'), { batch: { maxSize: 32 } });
    const run = (key: string, calls: number, rows: number) =>
      sdk.page.evaluate(
        async ({ key, calls, rows }) => {
          const model = window.harness.models[key]!;
          const inputs = Array.from({ length: calls }, (_, i) =>
            Array.from({ length: rows * 8 }, (_, k) => Math.fround(Math.sin(i * 7.1 + k * 1.3))),
          );
          const outputs = await Promise.all(
            inputs.map((data) =>
              model.predict({ features: { dtype: 'float32', dims: [rows, 8], data: new Float32Array(data) } }),
            ),
          );
          return {
            inputs,
            results: outputs.map((out) => Array.from(out.probs!.data as Float32Array)),
            stats: await model.stats(),
          };
        },
        { key, calls, rows },
      );
    const two = await run('two', 160, 2);
    const eight = await run('eight', 80, 8);
    for (const { inputs, results } of [two, eight]) {
      results.forEach((probs, i) => {
        const rows = Array.from({ length: inputs[i]!.length / 8 }, (_, r) => inputs[i]!.slice(r * 8, r * 8 + 8));
        expect(
          maxAbsDiff(
            probs,
            rows.flatMap((row) => mlp(row).probs),
          ),
        ).toBeLessThan(1e-4);
      });
    }
    // How far runs grow is learned from run times; that they coalesce at all, within maxSize rows, is not.
    expect(two.stats).toMatchObject({ requests: 160, batching: { coalesces: true } });
    expect(two.stats.runs).toBeLessThan(160);
    expect(two.stats.largestRun).toBeGreaterThan(1);
    expect(two.stats.largestRun).toBeLessThanOrEqual(32); // 64 rows of 2
    expect(eight.stats).toMatchObject({ requests: 80, batching: { coalesces: true } });
    expect(eight.stats.runs).toBeLessThan(80);
    expect(eight.stats.largestRun).toBeGreaterThan(1);
    expect(eight.stats.largestRun).toBeLessThanOrEqual(4); // 32 rows of 8
  });
});

test('the calls of one burst are answered run by run: the first caller does not wait for the last run', async ({
  sdk,
}) => {
  const trips = sdk.setup.expectBackend === 'webgpu' ? 300 : 5_000;
  const outcome = await sdk.page.evaluate(
    async ({ url, backend, trips }) => {
      // spin.onnx has no batch dim: each call is a run of its own, tens of milliseconds long.
      const model = await window.webinfer.load(url, { backend });
      const feeds = (x: number) => ({
        trips: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([BigInt(trips)]) },
        x: { dtype: 'float32' as const, dims: [1], data: new Float32Array([x]) },
      });
      await model.predict(feeds(0));
      const answered: number[] = [];
      let unansweredWhenFirstArrived = -1;
      const calls = [0, 1, 2, 3, 4, 5].map((i) =>
        model.predict(feeds(i)).then((out) => {
          answered.push(out.y!.data[0] as number);
          // A task later, every call answered by the same reply as the first has settled too.
          if (i === 0) setTimeout(() => (unansweredWhenFirstArrived = 6 - answered.length));
        }),
      );
      await Promise.all(calls);
      await model.dispose();
      return { answered, unansweredWhenFirstArrived };
    },
    // SwiftShader runs the loop on the CPU, about 20 times slower than WASM.
    { url: sdk.modelUrl('spin'), backend: sdk.setup.backend, trips },
  );
  expect(outcome.answered).toEqual([0, 1, 2, 3, 4, 5].map((x) => x + trips));
  expect(outcome.unansweredWhenFirstArrived).toBeGreaterThanOrEqual(4);
});
