// A run that never ends (spin.onnx: a Loop of `trips` iterations) blocks the worker's thread. The
// watchdog must end that worker, fail only the calls on it, and let every model serve again.
import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

const forever = '1000000000000000'; // Loop iterations: far beyond any test's patience

// On WASM the spinning run blocks the worker's thread; on WebGPU the worker's sessions take turns. Either
// way the other model's call waits behind it and is lost with the worker.
test("a run that never ends is stopped after its caller's timeoutMs: the caller gets AbortError, a blocked call WorkerCrashedError, and both models serve again", async ({
  sdk,
}) => {
  await sdk.load('spin', sdk.modelUrl('spin'));
  await sdk.load('mlp', sdk.modelUrl('mlp'));
  const outcome = await sdk.page.evaluate(
    async ({ forever, row }) => {
      const { spin, mlp } = window.harness.models as Record<string, NonNullable<(typeof window.harness.models)['mlp']>>;
      const spinFeeds = (trips: bigint) => ({
        trips: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([trips]) },
        x: { dtype: 'float32' as const, dims: [1], data: new Float32Array([2]) },
      });
      const mlpFeeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } });
      const started = performance.now();
      const runaway = spin!
        .predict(spinFeeds(BigInt(forever)), { timeoutMs: 300 })
        .then(() => null, window.harness.error);
      const bystander = mlp!.predict(mlpFeeds()).then(() => null, window.harness.error);
      const [runawayError, bystanderError] = await Promise.all([runaway, bystander]);
      // A call queued behind the spinning run is lost with the worker; the one after it reloads.
      const { isWorkerCrashedError } = window.webinfer;
      const afterWatchdog = <T>(call: () => Promise<T>) =>
        call().catch((error) => (isWorkerCrashedError(error) ? call() : Promise.reject(error)));
      const spinAfter = await afterWatchdog(() => spin!.predict(spinFeeds(3n)));
      const stoppedAfterMs = performance.now() - started;
      const mlpAfter = await mlp!.predict(mlpFeeds());
      const other = await window.webinfer.load('../models/out/fixed.onnx');
      await other.dispose();
      return {
        runawayError,
        bystanderError,
        stoppedAfterMs,
        mlpAfter: Array.from(mlpAfter.probs!.data as Float32Array),
        spinAfter: Array.from(spinAfter.y!.data as Float32Array),
      };
    },
    { forever, row: featuresFor(7) },
  );
  expect(outcome.runawayError).toMatchObject({ name: 'AbortError' });
  expect(outcome.runawayError!.message).toContain('timed out after 300 ms');
  expect(outcome.bystanderError).toMatchObject({ name: 'WorkerCrashedError' });
  expect(outcome.bystanderError!.message).toMatch(
    /watchdog stopped it: a run of model \S+\/spin\.onnx did not finish within 1\d{3} ms/,
  );
  expect(outcome.stoppedAfterMs).toBeLessThan(10_000);
  expect(maxAbsDiff(outcome.mlpAfter, mlp(featuresFor(7)).probs)).toBeLessThan(1e-4);
  expect(outcome.spinAfter).toEqual([5]);
});

test('maxRunMs stops a run that overstays it, though its caller set no deadline', async ({ sdk }) => {
  const outcome = await sdk.page.evaluate(
    async ({ url, forever, backend }) => {
      const model = await window.webinfer.load(url, { backend, maxRunMs: 500 });
      const feeds = (trips: bigint) => ({
        trips: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([trips]) },
        x: { dtype: 'float32' as const, dims: [1], data: new Float32Array([1]) },
      });
      const error = await model.predict(feeds(BigInt(forever))).then(() => null, window.harness.error);
      const after = await model.predict(feeds(4n));
      return { error, after: Array.from(after.y!.data as Float32Array) };
    },
    { url: sdk.modelUrl('spin'), forever, backend: sdk.setup.backend },
  );
  expect(outcome.error).toMatchObject({ name: 'WorkerCrashedError' });
  expect(outcome.error!.message).toMatch(/a run of model \S+\/spin\.onnx did not finish within 500 ms/);
  expect(outcome.after).toEqual([5]);
});

test('runs that finish within their deadlines are left alone: the worker and its counters survive', async ({ sdk }) => {
  const outcome = await sdk.page.evaluate(
    async ({ url, backend }) => {
      const model = await window.webinfer.load(url, { backend, maxRunMs: 20_000 });
      const feeds = (trips: bigint) => ({
        trips: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([trips]) },
        x: { dtype: 'float32' as const, dims: [1], data: new Float32Array([0]) },
      });
      const results = [];
      for (let i = 1n; i <= 3n; i++)
        results.push(Array.from((await model.predict(feeds(i), { timeoutMs: 20_000 })).y!.data as Float32Array));
      // Past the caller's deadline plus the grace: a watchdog left armed would have fired by now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { results, stats: await model.stats() };
    },
    { url: sdk.modelUrl('spin'), backend: sdk.setup.backend },
  );
  expect(outcome.results).toEqual([[1], [2], [3]]);
  expect(outcome.stats).toMatchObject({ runs: 3, requests: 3 });
});

test('maxRunMs must be a positive number of milliseconds', async ({ sdk }) => {
  const error = await sdk.loadError(sdk.modelUrl('spin'), { maxRunMs: -5 });
  expect(error).toMatchObject({
    name: 'OptionError',
    option: 'maxRunMs',
    message: 'load option maxRunMs must be a number of milliseconds > 0 (at most 2147483647), got -5',
  });
});

test('in a burst whose last run never ends, the calls whose runs finished keep their answers; only the runaway one fails', async ({
  sdk,
}) => {
  const outcome = await sdk.page.evaluate(
    async ({ url, forever, backend }) => {
      const model = await window.webinfer.load(url, { backend, maxRunMs: 1500 });
      const feeds = (trips: bigint, x: number) => ({
        trips: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([trips]) },
        x: { dtype: 'float32' as const, dims: [1], data: new Float32Array([x]) },
      });
      // One task, one message: spin.onnx has no batch dim, so each call is a run of its own, in order.
      const calls = [feeds(3n, 10), feeds(3n, 20), feeds(BigInt(forever), 0)].map((f) =>
        model.predict(f).then((out) => Array.from(out.y!.data as Float32Array), window.harness.error),
      );
      const [first, second, runaway] = await Promise.all(calls);
      const after = await model.predict(feeds(1n, 5));
      return { first, second, runaway, after: Array.from(after.y!.data as Float32Array) };
    },
    { url: sdk.modelUrl('spin'), forever, backend: sdk.setup.backend },
  );
  expect(outcome.first).toEqual([13]);
  expect(outcome.second).toEqual([23]);
  expect(outcome.runaway).toMatchObject({ name: 'WorkerCrashedError' });
  expect(outcome.after).toEqual([6]);
});
