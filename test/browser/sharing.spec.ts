// Identical loads (same URL, same options) share one download and one model in the worker.
import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

const modelRequests = (requests: readonly string[]) =>
  requests.filter((url) => new URL(url).pathname.endsWith('/mlp.onnx')).length;

test('ten concurrent loads of one URL download it once, share one model, and each handle serves until its own dispose', async ({
  sdk,
}) => {
  const outcome = await sdk.page.evaluate(
    async ({ url, backend, rows }) => {
      const progressSeen: number[] = [];
      const models = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          window.webinfer.load(url, { backend, onProgress: () => (progressSeen[i] = (progressSeen[i] ?? 0) + 1) }),
        ),
      );
      const feeds = (row: number[]) => ({
        features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) },
      });
      const results = await Promise.all(models.map((model, i) => model.predict(feeds(rows[i]!))));
      const stats = await models[0]!.stats();
      await Promise.all(models.slice(0, 9).map((model) => model.dispose()));
      const disposedError = await models[0]!.predict(feeds(rows[0]!)).then(() => null, window.harness.error);
      const last = await models[9]!.predict(feeds(rows[9]!));
      await models[9]!.dispose();
      return {
        progressSeen,
        results: results.map((out) => Array.from(out.probs!.data as Float32Array)),
        stats,
        disposedError,
        last: Array.from(last.probs!.data as Float32Array),
      };
    },
    {
      url: sdk.modelUrl('mlp'),
      backend: sdk.setup.backend,
      rows: Array.from({ length: 10 }, (_, i) => featuresFor(40 + i)),
    },
  );
  expect(modelRequests(sdk.requests)).toBe(1);
  // Every caller heard the shared load's progress, not only the first.
  expect(outcome.progressSeen.filter((count) => count > 0)).toHaveLength(10);
  outcome.results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(featuresFor(40 + i)).probs)).toBeLessThan(1e-4));
  // One model: the ten handles' calls coalesce in its queue.
  expect(outcome.stats.requests).toBe(10);
  expect(outcome.stats.runs).toBeLessThan(10);
  expect(outcome.disposedError).toMatchObject({ name: 'DisposedError' });
  expect(maxAbsDiff(outcome.last, mlp(featuresFor(49)).probs)).toBeLessThan(1e-4);
});

test('loads with different options get models of their own', async ({ sdk }) => {
  const stats = await sdk.page.evaluate(
    async ({ url, backend }) => {
      const [a, b] = await Promise.all([
        window.webinfer.load(url, { backend }),
        window.webinfer.load(url, { backend, batch: false }),
      ]);
      const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) } });
      await Promise.all([a.predict(feeds()), a.predict(feeds())]);
      await b.predict(feeds());
      return [await a.stats(), await b.stats()];
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend },
  );
  expect(stats.map((s) => s.requests)).toEqual([2, 1]);
});

test('after every handle is disposed, a new load starts a fresh model', async ({ sdk }) => {
  const stats = await sdk.page.evaluate(
    async ({ url, backend }) => {
      const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) } });
      const first = await window.webinfer.load(url, { backend });
      await first.predict(feeds());
      await first.dispose();
      const second = await window.webinfer.load(url, { backend });
      await second.predict(feeds());
      return second.stats();
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend },
  );
  expect(stats.requests).toBe(1);
});

test('a caller who cancels a shared load leaves it running for the others', async ({ sdk }) => {
  const outcome = await sdk.page.evaluate(
    async ({ url, backend }) => {
      const controller = new AbortController();
      const cancelled = window.webinfer
        .load(url, { backend, signal: controller.signal })
        .then(() => null, window.harness.error);
      const kept = window.webinfer.load(url, { backend });
      controller.abort(new Error('not needed'));
      const model = await kept;
      const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) } });
      return { cancelled: await cancelled, dims: out.probs!.dims };
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend },
  );
  expect(outcome.cancelled).toMatchObject({ name: 'AbortError' });
  expect(outcome.dims).toEqual([1, 4]);
});

test("disposing one of two handles on a shared model drops that handle's queued calls and serves the other's", async ({
  sdk,
}) => {
  const long = sdk.setup.expectBackend === 'webgpu' ? 20_000 : 400_000;
  const outcome = await sdk.page.evaluate(
    async ({ url, backend, long }) => {
      const [a, b] = await Promise.all([
        window.webinfer.load(url, { backend }),
        window.webinfer.load(url, { backend }),
      ]);
      const feeds = (rows: number) => ({
        features: { dtype: 'float32' as const, dims: [rows, 8], data: new Float32Array(rows * 8) },
      });
      // A long run first, so that the calls below are still queued when `a` is disposed.
      const longRun = b.predict(feeds(long)).then((out) => out.probs!.dims[0]);
      const fromA = Array.from({ length: 5 }, () =>
        a.predict(feeds(1)).then(
          () => 'served',
          (error) => error.name,
        ),
      );
      const fromB = Array.from({ length: 5 }, () =>
        b.predict(feeds(1)).then(
          () => 'served',
          (error) => error.name,
        ),
      );
      await a.dispose();
      return { long: await longRun, fromA: await Promise.all(fromA), fromB: await Promise.all(fromB) };
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend, long },
  );
  expect(outcome.long).toBe(long);
  expect(outcome.fromA).toEqual(Array(5).fill('DisposedError'));
  expect(outcome.fromB).toEqual(Array(5).fill('served'));
});

test('when a shared model moves from WebGPU to WASM, every handle hears it and reports the new backend', async ({
  sdk,
}) => {
  test.skip(sdk.setup.expectBackend !== 'webgpu', 'needs a model on WebGPU');
  const outcome = await sdk.page.evaluate(
    async ({ url, backend }) => {
      const heard: string[][] = [[], []];
      const models = await Promise.all(
        [0, 1].map((i) =>
          window.webinfer.load(url, {
            backend,
            onBackendChange: (change) => heard[i]!.push(`${change.from}->${change.to}`),
          }),
        ),
      );
      await models[0]!.loseDeviceForTesting();
      const out = await models[1]!.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) } });
      // The notices travel as messages of their own: wait for both (the test's timeout bounds it).
      while (heard.some((changes) => changes.length === 0)) await new Promise((resolve) => setTimeout(resolve, 10));
      return { heard, backends: models.map((model) => model.backend), dims: out.probs!.dims };
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend },
  );
  expect(outcome.heard).toEqual([['webgpu->wasm'], ['webgpu->wasm']]);
  expect(outcome.backends).toEqual(['wasm', 'wasm']);
  expect(outcome.dims).toEqual([1, 4]);
});
