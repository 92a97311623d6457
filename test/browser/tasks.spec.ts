import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

// An app's own worker (test/pages/workers/app.worker.js) serves tasks beside its models: the page
// connects it, runs tasks by name, and gets one answer per call.

/** Connects the test app's worker under `key`, with the MLP and the adder as its models. */
async function connectApp(page: Page, backend: string, key = 'app', given: 'function' | 'worker' = 'function') {
  return page.evaluate(
    async ({ backend, key, given }) => {
      const make = () => new Worker(new URL('workers/app.worker.js', document.baseURI), { type: 'module' });
      const app = await window.webinfer.connect(given === 'function' ? make : make(), {
        backend,
        models: { mlp: '../models/out/mlp.onnx', add: '../models/out/two_inputs.onnx' },
      });
      window.harness.apps[key] = app;
      return { tasks: [...app.tasks], models: Object.keys(app.models) };
    },
    { backend, key, given },
  );
}

const row = featuresFor(3);

/** Runs classifyTwice on `row` in the app under `key`: logits, doubled probabilities, and the page's array after. */
function classifyTwice(page: Page, key = 'app') {
  return page.evaluate(
    async ({ row, key }) => {
      const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) };
      const out = (await window.harness.apps[key]!.run('classifyTwice', { features })) as {
        logits: Float32Array;
        doubled: Float32Array;
        backend: string;
      };
      return {
        logits: Array.from(out.logits),
        doubled: Array.from(out.doubled),
        type: out.doubled.constructor.name,
        backend: out.backend,
        sentLength: features.data.length,
      };
    },
    { row, key },
  );
}

test('a task chains two models in the worker and answers once; its input was transferred, not copied', async ({
  sdk,
}) => {
  const connected = await connectApp(sdk.page, sdk.setup.backend);
  expect(connected.tasks).toEqual([
    'classifyTwice',
    'classifyOnGpu',
    'returnGpu',
    'echo',
    'fail',
    'badFeeds',
    'wait',
    'lastAbort',
    'spin',
    'crash',
  ]);
  expect(connected.models).toEqual(['mlp', 'add']);
  const out = await classifyTwice(sdk.page);
  const expected = mlp(row);
  expect(maxAbsDiff(out.logits, expected.logits)).toBeLessThan(1e-4);
  expect(
    maxAbsDiff(
      out.doubled,
      expected.probs.map((p) => 2 * p),
    ),
  ).toBeLessThan(1e-5);
  expect(out.type).toBe('Float32Array');
  expect(out.backend).toBe(sdk.setup.expectBackend);
  expect(out.sentLength).toBe(0);
});

test("tasks' model runs and the page's predicts on the same model coalesce into shared runs", async ({ sdk }) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const stats = await sdk.page.evaluate(async (row) => {
    const app = window.harness.apps.app!;
    const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 32; i += 1) {
      calls.push(app.run('classifyTwice', feeds()), app.models.mlp!.predict(feeds()));
    }
    await Promise.all(calls);
    return app.models.mlp!.stats();
  }, row);
  expect(stats.requests).toBe(64);
  expect(stats.runs).toBeLessThan(64);
});

test('an ArrayBuffer-backed result comes back transferred, and a view into a larger buffer is copied', async ({
  sdk,
}) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const out = await sdk.page.evaluate(async () => {
    const whole = new Float32Array(1_000_000).fill(0.5);
    const larger = new Uint8Array(64).fill(7);
    const view = larger.subarray(8, 16);
    const echoed = (await window.harness.apps.app!.run('echo', { whole, view })) as {
      whole: Float32Array;
      view: Uint8Array;
    };
    return {
      wholeAfter: whole.length,
      largerAfter: larger.length,
      echoedWhole: [echoed.whole.length, echoed.whole[999_999]],
      echoedView: Array.from(echoed.view),
    };
  });
  expect(out.wholeAfter).toBe(0);
  expect(out.largerAfter).toBe(64);
  expect(out.echoedWhole).toEqual([1_000_000, 0.5]);
  expect(out.echoedView).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
});

test('errors name the task; unknown tasks get a suggestion; the app keeps serving after each', async ({ sdk }) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const errors = await sdk.page.evaluate(async () => {
    const app = window.harness.apps.app!;
    const caught = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        return window.harness.error(error);
      }
      throw new Error('the call resolved; expected a rejection');
    };
    return {
      thrown: await caught(() => app.run('fail', {})),
      badFeeds: await caught(() => app.run('badFeeds', {})),
      unknown: await caught(() => app.run('classifyTwise' as 'classifyTwice', {})),
      isTaskError: window.webinfer.isTaskError(await app.run('fail', {}).catch((error: unknown) => error)),
    };
  });
  expect(errors.thrown).toMatchObject({
    name: 'TaskError',
    message: "task 'fail' failed: the crop box is outside the image",
  });
  expect(errors.isTaskError).toBe(true);
  expect(errors.badFeeds.message).toMatch(/^task 'badFeeds': /);
  expect(errors.badFeeds.name).not.toBe('TaskError');
  expect(errors.unknown).toMatchObject({ name: 'InputError' });
  expect(errors.unknown.message).toContain("no task 'classifyTwise' (did you mean 'classifyTwice'?)");
  const out = await classifyTwice(sdk.page);
  expect(maxAbsDiff(out.logits, mlp(row).logits)).toBeLessThan(1e-4);
});

test("aborting a call fires the task's own signal in the worker", async ({ sdk }) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const out = await sdk.page.evaluate(async () => {
    const app = window.harness.apps.app!;
    const controller = new AbortController();
    const waiting = app.run('wait', {}, { signal: controller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort(new Error('user left the page'));
    const error = window.harness.error(await waiting);
    // The worker heard it: its handler ran before this later call was answered.
    return { error, heard: await app.run('lastAbort', {}) };
  });
  expect(out.error.name).toBe('AbortError');
  expect(out.heard).toBe('the task was cancelled');
});

test('a runaway task past its timeoutMs has its worker stopped; the next call restarts it with its models', async ({
  sdk,
}) => {
  test.setTimeout(90_000);
  await connectApp(sdk.page, sdk.setup.backend);
  const out = await sdk.page.evaluate(async () => {
    const app = window.harness.apps.app!;
    const started = performance.now();
    const runaway = window.harness.error(await app.run('spin', {}, { timeoutMs: 300 }).catch((e: unknown) => e));
    const abortedAfter = performance.now() - started;
    // Meanwhile the worker is wedged: a call sent now dies with it when the watchdog stops it.
    const caught = window.harness.error(await app.run('lastAbort', {}).catch((e: unknown) => e));
    return { runaway, abortedAfter, caught };
  });
  expect(out.runaway.name).toBe('AbortError');
  expect(out.abortedAfter).toBeLessThan(1500);
  expect(out.caught).toMatchObject({ name: 'WorkerCrashedError' });
  expect(out.caught.message).toContain("task 'spin' did not finish within");
  const again = await classifyTwice(sdk.page);
  expect(maxAbsDiff(again.logits, mlp(row).logits)).toBeLessThan(1e-4);
});

test('a worker given as a Worker (not a function) cannot be restarted, and the error says how to fix it', async ({
  sdk,
}) => {
  await connectApp(sdk.page, sdk.setup.backend, 'once', 'worker');
  const error = await sdk.page.evaluate(async () => {
    const app = window.harness.apps.once!;
    await app.run('crash', {}).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return window.harness.error(await app.run('lastAbort', {}).catch((e: unknown) => e));
  });
  expect(error.name).toBe('WorkerCrashedError');
  expect(error.message).toContain('pass a function that makes one');
});

test("a worker whose entry never calls serve() fails connect's timeoutMs with a hint", async ({ sdk }) => {
  const error = await sdk.page.evaluate(async () => {
    const make = () => new Worker(new URL('workers/silent.worker.js', document.baseURI), { type: 'module' });
    return window.harness.error(await window.webinfer.connect(make, { timeoutMs: 1000 }).catch((e: unknown) => e));
  });
  expect(error.name).toBe('AbortError');
  expect(error.message).toContain("does its entry module call serve() from 'webinfer/worker'?");
});

test('dispose ends the worker; later calls reject with DisposedError', async ({ sdk }) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const out = await sdk.page.evaluate(async () => {
    const app = window.harness.apps.app!;
    await app.dispose();
    const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) };
    return {
      run: window.harness.error(await app.run('echo', {}).catch((e: unknown) => e)),
      predict: window.harness.error(await app.models.mlp!.predict({ features }).catch((e: unknown) => e)),
    };
  });
  expect(out.run.name).toBe('DisposedError');
  expect(out.predict.name).toBe('DisposedError');
  await expect.poll(() => sdk.page.workers().filter((w) => /app\.worker\.js/.test(w.url())).length).toBe(0);
});

test('a worker entry that awaits before calling serve() loses none of the messages sent meanwhile', async ({ sdk }) => {
  const out = await sdk.page.evaluate(async () => {
    const make = () => new Worker(new URL('workers/late.worker.js', document.baseURI), { type: 'module' });
    const app = await window.webinfer.connect(make, { timeoutMs: 10_000 });
    return Promise.all([app.run('ping', { n: 1 }), app.run('ping', { n: 2 })]);
  });
  expect(out).toEqual(['pong 1', 'pong 2']);
});

test("a model's output kept on the GPU feeds the next model there, with the CPU path's results", async ({ sdk }) => {
  await connectApp(sdk.page, sdk.setup.backend);
  const out = await sdk.page.evaluate(async (row) => {
    const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) };
    const result = (await window.harness.apps.app!.run('classifyOnGpu', { features })) as {
      doubled: Float32Array;
      probsWhere: string;
    };
    return { doubled: Array.from(result.doubled), where: result.probsWhere };
  }, row);
  expect(out.where).toBe(sdk.setup.expectBackend === 'webgpu' ? 'gpu-buffer' : 'cpu');
  expect(
    maxAbsDiff(
      out.doubled,
      mlp(row).probs.map((p) => 2 * p),
    ),
  ).toBeLessThan(1e-5);
});

test('1,000 tasks keeping intermediates on the GPU leave no GPU buffer behind', async ({ sdk }) => {
  test.skip(sdk.setup.expectBackend !== 'webgpu', 'GPU buffers exist only on WebGPU');
  test.setTimeout(180_000);
  await connectApp(sdk.page, sdk.setup.backend);
  const counts = await sdk.page.evaluate(async (row) => {
    const app = window.harness.apps.app!;
    const feeds = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } });
    const runs = async (count: number) => {
      for (let i = 0; i < count; i += 10) {
        await Promise.all(Array.from({ length: 10 }, () => app.run('classifyOnGpu', feeds())));
      }
    };
    await app.gpuBuffersForTesting('mlp'); // starts the count
    await runs(100); // the runtime's buffer cache fills
    const warm = await app.gpuBuffersForTesting('mlp');
    await runs(1000);
    return { warm, after: await app.gpuBuffersForTesting('mlp') };
  }, row);
  expect(counts.warm).toBeGreaterThan(0);
  // Each task keeps 2 outputs on the GPU: undisposed, 1,000 tasks leave 2,000 buffers. The runtime's
  // cache may still grow by a few as 10 tasks overlap differently; a leak of even one buffer every 25
  // tasks would pass 40.
  expect(counts.after! - counts.warm!).toBeLessThan(40);
});

test('a task whose result holds a GPU tensor rejects, naming where it is', async ({ sdk }) => {
  test.skip(sdk.setup.expectBackend !== 'webgpu', 'outputs stay on the GPU only on WebGPU');
  await connectApp(sdk.page, sdk.setup.backend);
  const error = await sdk.page.evaluate(async (row) => {
    const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) };
    return window.harness.error(await window.harness.apps.app!.run('returnGpu', { features }).catch((e: unknown) => e));
  }, row);
  expect(error).toMatchObject({
    name: 'TaskError',
    message: "task 'returnGpu' failed: its result holds a GPU tensor at 'nested.probs': download() it first",
  });
});

test('connect with a model that cannot load rejects naming the file, and leaves no worker behind', async ({ sdk }) => {
  const error = await sdk.page.evaluate(async (backend) => {
    const make = () => new Worker(new URL('workers/app.worker.js', document.baseURI), { type: 'module' });
    const connecting = window.webinfer.connect(make, {
      backend,
      models: { mlp: '../models/out/mlp.onnx', add: '../models/out/missing.onnx' },
    });
    return window.harness.error(await connecting.catch((e: unknown) => e));
  }, sdk.setup.backend);
  expect(error.name).toBe('LoadError');
  expect(error.source).toContain('missing.onnx');
  await expect.poll(() => sdk.page.workers().filter((w) => /app\.worker\.js/.test(w.url())).length).toBe(0);
});
