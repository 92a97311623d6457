import { entries, expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

// Rows of a run long enough (tens of ms) for the calls posted after it to queue behind it; SwiftShader
// is ~100x slower than WASM, so it needs fewer.
const longRows = (backend: string) => (backend === 'webgpu' ? 20_000 : 400_000);

for (const entry of entries) {
  test.describe(`reliability (${entry} entry)`, () => {
    test.use({ entry });

    test('when the worker dies, 50 pending calls reject within 1 s and the next call reloads the model', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const outcome = await sdk.page.evaluate(
        async ({ row, long }) => {
          const model = window.harness.models.mlp!;
          const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } });
          // A long run first, so that the 50 calls are still queued when the worker dies.
          void model
            .predict({ features: { dtype: 'float32', dims: [long, 8], data: new Float32Array(long * 8) } })
            .catch(() => undefined);
          const pending = Array.from({ length: 50 }, () =>
            model.predict(feeds()).then(
              () => ({ settled: performance.now(), error: null }),
              (error) => ({ settled: performance.now(), error: window.harness.error(error) }),
            ),
          );
          const crashedAt = performance.now();
          model.crashWorkerForTesting();
          const settled = await Promise.all(pending);
          const failures = settled.filter((s) => s.error !== null);
          const after = await model.predict(feeds());
          return {
            failed: failures.length,
            names: [...new Set(failures.map((s) => s.error!.name))],
            slowestMs: Math.max(0, ...failures.map((s) => s.settled - crashedAt)),
            after: Array.from(after.probs!.data as Float32Array),
          };
        },
        { row: featuresFor(3), long: longRows(sdk.setup.expectBackend) },
      );
      // The worker closes before it dispatches the queued calls: every one of them must reject.
      expect(outcome.failed).toBe(50);
      expect(outcome.names).toEqual(['WorkerCrashedError']);
      expect(outcome.slowestMs).toBeLessThan(1000);
      expect(maxAbsDiff(outcome.after, mlp(featuresFor(3)).probs)).toBeLessThan(1e-4);
    });

    test('a model loaded from bytes says it must be loaded again after its worker dies', async ({ sdk }) => {
      const error = await sdk.page.evaluate(
        async ({ url, backend }) => {
          const model = await window.webinfer.load(await (await fetch(url)).arrayBuffer(), { backend });
          model.crashWorkerForTesting();
          await new Promise((resolve) => setTimeout(resolve, 500));
          const x = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
          return model.predict({ x }).then(() => null, window.harness.error);
        },
        { url: sdk.modelUrl('fixed'), backend: sdk.setup.backend },
      );
      expect(error).toMatchObject({ name: 'WorkerCrashedError' });
      expect(error!.message).toContain('load it again');
    });

    test('aborted calls leave the queue with AbortError and never reach the engine; the others get their own results', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const rows = Array.from({ length: 60 }, (_, i) => featuresFor(500 + i));
      const outcome = await sdk.page.evaluate(
        async ({ rows, long }) => {
          const model = window.harness.models.mlp!;
          const feeds = (n: number, data: Float32Array) => ({
            features: { dtype: 'float32' as const, dims: [n, 8], data },
          });
          // A long run first, so that the calls below queue behind it.
          const longCall = model.predict(feeds(long, new Float32Array(long * 8))).then((out) => out.probs!.dims);
          const controllers = rows.map(() => new AbortController());
          const calls = rows.map((row, i) =>
            model
              .predict(feeds(1, new Float32Array(row)), { signal: controllers[i]!.signal })
              .then((out) => Array.from(out.probs!.data as Float32Array), window.harness.error),
          );
          controllers.forEach((controller, i) => i % 3 === 0 && controller.abort(new Error(`caller ${i} gave up`)));
          return { long: await longCall, results: await Promise.all(calls), stats: await model.stats() };
        },
        { rows, long: longRows(sdk.setup.expectBackend) },
      );
      expect(outcome.long).toEqual([longRows(sdk.setup.expectBackend), 4]);
      outcome.results.forEach((result, i) => {
        if (i % 3 === 0) {
          expect(result).toMatchObject({ name: 'AbortError' });
        } else {
          expect(maxAbsDiff(result as number[], mlp(rows[i]!).probs)).toBeLessThan(1e-4);
        }
      });
      // The 20 aborted calls never reached the engine.
      expect(outcome.stats.requests).toBe(1 + 40);
    });

    test('timeoutMs rejects a call with AbortError, and an already aborted signal rejects before sending', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const errors = await sdk.page.evaluate(async () => {
        const model = window.harness.models.mlp!;
        const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) } });
        const timedOut = model.predict(feeds(), { timeoutMs: 0 }).then(() => null, window.harness.error);
        const data = new Float32Array(8);
        const early = await model
          .predict({ features: { dtype: 'float32', dims: [1, 8], data } }, { signal: AbortSignal.abort() })
          .then(() => null, window.harness.error);
        const load = await window.webinfer
          .load('../models/out/mlp.onnx', { signal: AbortSignal.abort() })
          .then(() => null, window.harness.error);
        return { timedOut: await timedOut, early, earlyKeptData: data.length === 8, load };
      });
      expect(errors.timedOut).toMatchObject({ name: 'AbortError' });
      expect(errors.timedOut!.message).toContain('timed out after 0 ms');
      expect(errors.early).toMatchObject({ name: 'AbortError' });
      expect(errors.earlyKeptData).toBe(true);
      expect(errors.load).toMatchObject({ name: 'AbortError' });
    });
  });
}

test('a lost WebGPU device moves the model to WASM, replays the batch in flight, and says why', async ({ sdk }) => {
  test.skip(sdk.setup.expectBackend !== 'webgpu', 'needs a model on WebGPU');
  const rows = Array.from({ length: 40 }, (_, i) => featuresFor(900 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      const changes: unknown[] = [];
      const model = await window.webinfer.load('../models/out/mlp.onnx', {
        backend,
        onBackendChange: (change) => changes.push(change),
      });
      const before = model.backend;
      const feeds = (row: number[]) => ({
        features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) },
      });
      await model.predict(feeds(rows[0]!));
      await model.loseDeviceForTesting();
      const results = await Promise.all(
        rows.map((row) => model.predict(feeds(row)).then((out) => Array.from(out.probs!.data as Float32Array))),
      );
      return { before, after: model.backend, reason: model.backendReason, changes, results };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.before).toBe('webgpu');
  expect(outcome.after).toBe('wasm');
  expect(outcome.changes).toHaveLength(1);
  expect(outcome.changes[0]).toMatchObject({ from: 'webgpu', to: 'wasm' });
  expect(outcome.reason).toMatch(/WebGPU (device was lost|run failed)/);
  outcome.results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
});

test('an input too big to carry to the worker rejects with OutOfMemoryError naming it; the model keeps serving', async ({
  sdk,
}) => {
  await sdk.load('mlp', sdk.modelUrl('mlp'));
  const outcome = await sdk.page.evaluate(async () => {
    const model = window.harness.models.mlp!;
    const rows = 2 ** 25 + 1; // 1 GiB and 32 bytes of float32
    const error = await model
      .predict({ features: { dtype: 'float32', dims: [rows, 8], data: new Float32Array(rows * 8) } })
      .then(() => null, window.harness.error);
    const after = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) } });
    return { error, after: after.probs!.dims };
  });
  expect(outcome.error).toMatchObject({ name: 'OutOfMemoryError', input: 'features' });
  expect(outcome.after).toEqual([1, 4]);
});

test('four models run concurrently in one worker each give their own correct results, on WebGPU too', async ({
  sdk,
}) => {
  const rows = Array.from({ length: 8 }, (_, i) => featuresFor(300 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      // Different options: four models, four sessions (identical loads would share one).
      const models = await Promise.all(
        [{}, { batch: false }, { batch: { maxSize: 4 } }, { maxRunMs: 60_000 }].map((options) =>
          window.webinfer.load('../models/out/mlp.onnx', { backend, ...options }),
        ),
      );
      const fixed = await window.webinfer.load('../models/out/fixed.onnx', { backend });
      const mlpCalls = models.flatMap((model) =>
        rows.map((row) => model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } })),
      );
      const fixedCalls = rows.map((_, i) =>
        fixed.predict({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([i, i, i, i]) } }),
      );
      const [mlpOuts, fixedOuts] = await Promise.all([Promise.all(mlpCalls), Promise.all(fixedCalls)]);
      return {
        backends: [...models, fixed].map((model) => model.backend),
        probs: mlpOuts.map((out) => Array.from(out.probs!.data as Float32Array)),
        fixed: fixedOuts.map((out) => Array.from(out.y!.data as Float32Array)),
      };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.backends).toEqual(Array(5).fill(sdk.setup.expectBackend));
  outcome.probs.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i % rows.length]!).probs)).toBeLessThan(1e-4));
  outcome.fixed.forEach((y, i) => expect(y).toEqual(Array(4).fill(2 * i)));
});
