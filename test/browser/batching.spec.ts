import { entries, expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

for (const entry of entries) {
  test.describe(`batching (${entry} entry)`, () => {
    test.use({ entry });

    test('256 concurrent predict calls with distinct inputs each get their own result, in fewer engine runs', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const rows = Array.from({ length: 256 }, (_, i) => featuresFor(1000 + i));
      const { results, stats } = await sdk.page.evaluate(async (rows) => {
        const model = window.harness.models.mlp!;
        const calls = rows.map((row) =>
          model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } }),
        );
        const outputs = await Promise.all(calls);
        return { results: outputs.map((out) => Array.from(out.probs!.data as Float32Array)), stats: await model.stats() };
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
      expect(stats).toEqual({ runs: 1, requests: 4, largestRun: 4 });
      results.forEach((probs, i) => {
        const rows = groups[i]!;
        expect(probs.dims).toEqual([rows.length, 4]);
        expect(maxAbsDiff(probs.data, rows.flatMap((row) => mlp(row).probs))).toBeLessThan(1e-4);
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
      expect(stats).toEqual({ runs: 20, requests: 20, largestRun: 1 });
    });

    test('requests whose non-batch dims differ are never coalesced together, and each gets its own sum', async ({ sdk }) => {
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
      expect(stats.solo).toEqual({ runs: 40, requests: 40, largestRun: 1 });
      expect(stats.capped.requests).toBe(40);
      expect(stats.capped.largestRun).toBeGreaterThan(1);
      expect(stats.capped.largestRun).toBeLessThanOrEqual(4);
    });
  });
}
