import type { Page } from '@playwright/test';
import { SLOW_TRIPS } from '../models/weights.mjs';
import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

// A model on several workers (load option `workers`), sharing one bounded pool with the page's other
// models. SwiftShader is ~100x slower than WASM: bursts on WebGPU are smaller.
const burstFor = (backend: string) => (backend === 'webgpu' ? 300 : 2000);

/** The webinfer workers the page runs now (not ORT's or TF.js's thread workers). */
const sdkWorkers = (page: Page) => page.workers().filter((worker) => /webinfer\.worker\.js/.test(worker.url()));

test('2,000 concurrent calls over 3 replicas: every caller gets its own rows, and every replica serves', async ({
  sdk,
}) => {
  const rows = Array.from({ length: burstFor(sdk.setup.expectBackend) }, (_, i) => featuresFor(i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      window.webinfer.configure({ maxWorkers: 3 });
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend, workers: 3 });
      const results = await Promise.all(
        rows.map((row) =>
          model
            .predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } })
            .then((out) => Array.from(out.probs!.data as Float32Array)),
        ),
      );
      return { workers: model.workers, reason: model.workersReason, results, stats: await model.stats() };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.workers).toBe(3);
  expect(outcome.reason).toContain('as asked');
  const worst = Math.max(...outcome.results.map((probs, i) => maxAbsDiff(probs, mlp(rows[i]!).probs)));
  expect(worst).toBeLessThan(1e-4);
  expect(outcome.stats.requests).toBe(rows.length);
  expect(outcome.stats.byWorker).toHaveLength(3);
  for (const replica of outcome.stats.byWorker!) expect(replica.requests).toBeGreaterThan(rows.length / 10);
  expect(sdkWorkers(sdk.page)).toHaveLength(3);
});

test('a replica whose worker dies mid-burst rejects only its own calls; the others resolve, and it is replaced', async ({
  sdk,
}) => {
  const outcome = await sdk.page.evaluate(
    async ({ row, long, backend }) => {
      window.webinfer.configure({ maxWorkers: 2 });
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend, workers: 2 });
      const feeds = (n: number, data = new Float32Array(n * 8)) => ({
        features: { dtype: 'float32' as const, dims: [n, 8], data },
      });
      // A long run on each replica first, so that the burst is still queued on both when one dies.
      const calls = [model.predict(feeds(long)), model.predict(feeds(long))];
      for (let i = 0; i < 100; i += 1) calls.push(model.predict(feeds(1, new Float32Array(row))));
      model.crashWorkerForTesting(0);
      const settled = await Promise.allSettled(calls);
      const failed = settled.filter((s) => s.status === 'rejected').map((s) => window.harness.error(s.reason));
      const served = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.probs!.dims[0]!);
      const after = await Promise.all([
        model.predict(feeds(1, new Float32Array(row))),
        model.predict(feeds(1, new Float32Array(row))),
      ]);
      return {
        failedNames: [...new Set(failed.map((error) => error.name))],
        failed: failed.length,
        served: served.length,
        after: after.map((out) => Array.from(out.probs!.data as Float32Array)),
        workers: model.workers,
        byWorker: (await model.stats()).byWorker,
      };
    },
    { row: featuresFor(3), long: sdk.setup.expectBackend === 'webgpu' ? 20_000 : 400_000, backend: sdk.setup.backend },
  );
  // The dead replica had its long run and about half the burst; the other served the rest.
  expect(outcome.failedNames).toEqual(['WorkerCrashedError']);
  expect(outcome.failed).toBeGreaterThanOrEqual(40);
  expect(outcome.served).toBeGreaterThanOrEqual(40);
  expect(outcome.failed + outcome.served).toBe(102);
  for (const probs of outcome.after) expect(maxAbsDiff(probs, mlp(featuresFor(3)).probs)).toBeLessThan(1e-4);
  expect(outcome.workers).toBe(2);
  expect(outcome.byWorker).toHaveLength(2);
  expect(sdkWorkers(sdk.page)).toHaveLength(2);
});

test('dispose frees every replica: its workers end once idle, and later calls reject with DisposedError', async ({
  sdk,
}) => {
  await sdk.page.evaluate(async (backend) => {
    window.webinfer.configure({ maxWorkers: 3, idleWorkerMs: 0 });
    window.harness.models.mlp = await window.webinfer.load('../models/out/mlp.onnx', { backend, workers: 3 });
  }, sdk.setup.backend);
  expect(sdkWorkers(sdk.page)).toHaveLength(3);
  const closed = sdkWorkers(sdk.page).map((worker) => new Promise((resolve) => worker.on('close', resolve)));
  const error = await sdk.page.evaluate(async () => {
    const model = window.harness.models.mlp!;
    await model.dispose();
    const x = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) };
    return model.predict({ features: x }).then(() => null, window.harness.error);
  });
  expect(error).toMatchObject({ name: 'DisposedError' });
  await Promise.all(closed);
  expect(sdkWorkers(sdk.page)).toHaveLength(0);
});

test('a model given as bytes on 2 workers: each worker gets its copy, and both serve', async ({ sdk }) => {
  const rows = Array.from({ length: 64 }, (_, i) => featuresFor(300 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      window.webinfer.configure({ maxWorkers: 2 });
      const bytes = await (await fetch('../models/out/mlp.onnx')).arrayBuffer();
      const model = await window.webinfer.load(bytes, { backend, workers: 2 });
      const results = await Promise.all(
        rows.map((row) =>
          model
            .predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } })
            .then((out) => Array.from(out.probs!.data as Float32Array)),
        ),
      );
      return {
        detached: bytes.byteLength === 0,
        workers: model.workers,
        results,
        byWorker: (await model.stats()).byWorker,
      };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.detached).toBe(true);
  expect(outcome.workers).toBe(2);
  outcome.results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
  for (const replica of outcome.byWorker!) expect(replica.requests).toBeGreaterThan(0);
});

test('five models of two workers each share a pool capped at 2, and all serve', async ({ sdk }) => {
  const rows = [0, 1, 2, 3, 4].map((i) => featuresFor(100 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      window.webinfer.configure({ maxWorkers: 2 });
      // Distinct URLs: five models, not five handles on one.
      const models = await Promise.all(
        rows.map((_, i) => window.webinfer.load(`../models/out/mlp.onnx?copy=${i}`, { backend, workers: 2 })),
      );
      const results = await Promise.all(
        models.flatMap((model, i) =>
          Array.from({ length: 8 }, () =>
            model
              .predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(rows[i]!) } })
              .then((out) => ({ model: i, probs: Array.from(out.probs!.data as Float32Array) })),
          ),
        ),
      );
      const stats = await Promise.all(models.map((model) => model.stats()));
      return { workers: models.map((model) => model.workers), results, byWorker: stats.map((s) => s.byWorker) };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.workers).toEqual([2, 2, 2, 2, 2]);
  expect(outcome.results).toHaveLength(40);
  for (const { model, probs } of outcome.results) {
    expect(maxAbsDiff(probs, mlp(rows[model]!).probs)).toBeLessThan(1e-4);
  }
  for (const byWorker of outcome.byWorker) expect(byWorker).toHaveLength(2);
  expect(sdkWorkers(sdk.page)).toHaveLength(2);
});

test("workers: 'auto' gives a slow model one worker per core only on WASM in a page that is not cross-origin isolated, and says why", async ({
  sdk,
}) => {
  const outcome = await sdk.page.evaluate(async (backend) => {
    const x = () => ({ dtype: 'float32' as const, dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) });
    const slow = await window.webinfer.load('../models/out/slow.onnx', { backend });
    const fast = await window.webinfer.load('../models/out/mlp.onnx', { backend });
    // Its width is symbolic: the run can be timed only on the first call's shapes.
    const anyWidth = await window.webinfer.load('../models/out/slow_any_width.onnx', { backend });
    const before = { workers: anyWidth.workers, reason: anyWidth.workersReason };
    const ys = await Promise.all([slow.predict({ x: x() }), anyWidth.predict({ x: x() })]);
    for (let waited = 0; anyWidth.workersReason.includes('until the first call') && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const again = await anyWidth.predict({ x: x() });
    return {
      cores: navigator.hardwareConcurrency,
      ys: [...ys, again].map((out) => Array.from(out.y!.data as Float32Array)),
      slow: { workers: slow.workers, reason: slow.workersReason },
      fast: { workers: fast.workers, reason: fast.workersReason },
      anyWidth: { before, workers: anyWidth.workers, reason: anyWidth.workersReason },
    };
  }, sdk.setup.backend);
  const y = [1, 2, 3, 4].map((v) => v + SLOW_TRIPS);
  expect(outcome.ys).toEqual([y, y, y]);
  if (sdk.setup.expectBackend === 'webgpu') {
    expect(outcome.slow).toMatchObject({ workers: 1, reason: expect.stringContaining('WebGPU') });
    expect(outcome.anyWidth).toMatchObject({ workers: 1, reason: expect.stringContaining('WebGPU') });
  } else if (sdk.setup.isolated) {
    expect(outcome.slow).toMatchObject({ workers: 1, reason: expect.stringContaining('cross-origin isolated') });
    expect(outcome.anyWidth).toMatchObject({ workers: 1, reason: expect.stringContaining('cross-origin isolated') });
  } else {
    const cores = Math.min(outcome.cores, 8);
    const why = cores > 1 ? /a single-row run takes \d+(\.\d+)? ms/ : /core/;
    expect(outcome.slow.workers).toBe(cores);
    expect(outcome.slow.reason).toMatch(why);
    expect(outcome.fast).toMatchObject({ workers: 1, reason: expect.stringContaining('too short') });
    if (cores > 1) {
      expect(outcome.anyWidth.before).toEqual({ workers: 1, reason: expect.stringContaining('until the first call') });
    }
    expect(outcome.anyWidth.workers).toBe(cores);
    expect(outcome.anyWidth.reason).toMatch(why);
  }
});

test('on 2 workers, aborted calls reject with AbortError on whichever replica holds them; the others resolve', async ({
  sdk,
}) => {
  const rows = Array.from({ length: 40 }, (_, i) => featuresFor(700 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, long, backend }) => {
      window.webinfer.configure({ maxWorkers: 2 });
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend, workers: 2 });
      const feeds = (n: number, data = new Float32Array(n * 8)) => ({
        features: { dtype: 'float32' as const, dims: [n, 8], data },
      });
      // A long run on each replica, so that the calls below queue on both.
      const longCalls = [model.predict(feeds(long)), model.predict(feeds(long))];
      const controllers = rows.map(() => new AbortController());
      const calls = rows.map((row, i) =>
        model
          .predict(feeds(1, new Float32Array(row)), { signal: controllers[i]!.signal })
          .then((out) => Array.from(out.probs!.data as Float32Array), window.harness.error),
      );
      // Once sent (they wait in each worker's queue behind its long run), every third gives up: calls
      // alternate between the replicas, so each replica loses some and keeps some.
      await new Promise((resolve) => setTimeout(resolve, 0));
      controllers.forEach((controller, i) => i % 3 === 0 && controller.abort(new Error(`caller ${i} gave up`)));
      await Promise.all(longCalls);
      return { results: await Promise.all(calls), byWorker: (await model.stats()).byWorker };
    },
    { rows, long: sdk.setup.expectBackend === 'webgpu' ? 20_000 : 400_000, backend: sdk.setup.backend },
  );
  outcome.results.forEach((result, i) => {
    if (i % 3 === 0) expect(result).toMatchObject({ name: 'AbortError' });
    else expect(maxAbsDiff(result as number[], mlp(rows[i]!).probs)).toBeLessThan(1e-4);
  });
  // Both replicas ran a long call and some of the calls that were not aborted.
  for (const replica of outcome.byWorker!) expect(replica.requests).toBeGreaterThan(1);
});

test('on 2 workers, a replica whose GPU device is lost moves to WASM alone; the model keeps serving on both', async ({
  sdk,
}) => {
  test.skip(sdk.setup.expectBackend !== 'webgpu', 'needs a model on WebGPU');
  const rows = Array.from({ length: 20 }, (_, i) => featuresFor(900 + i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      window.webinfer.configure({ maxWorkers: 2 });
      const changes: string[] = [];
      const model = await window.webinfer.load('../models/out/mlp.onnx', {
        backend,
        workers: 2,
        onBackendChange: (change) => changes.push(`${change.from}->${change.to}`),
      });
      await model.loseDeviceForTesting(1);
      const results = await Promise.all(
        rows.map((row) =>
          model
            .predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } })
            .then((out) => Array.from(out.probs!.data as Float32Array)),
        ),
      );
      while (changes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      return { changes, backend: model.backend, results, byWorker: (await model.stats()).byWorker };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.changes).toEqual(['webgpu->wasm']);
  expect(outcome.backend).toBe('webgpu'); // replica 0 kept its device
  outcome.results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
  for (const replica of outcome.byWorker!) expect(replica.requests).toBeGreaterThan(0);
});
