import { expect, test } from './fixtures.js';

// Per-call telemetry (predict's onTiming) and the stats' percentiles. On WASM the slow test model (a
// Loop of thousands of steps) makes each run long enough for the page's clock to resolve its parts.

test("a call's timing parts add up to its own total, and the totals to the wall time the page measured", async ({
  sdk,
}) => {
  const outcome = await sdk.page.evaluate(async (backend) => {
    // On SwiftShader the slow model's loop takes seconds a run, and the MLP milliseconds: the MLP there.
    const model = await window.webinfer.load(`../models/out/${backend === 'webgpu' ? 'mlp' : 'slow'}.onnx`, {
      backend,
    });
    const width = model.inputs[0]!.shape[1] as number;
    const x = () => ({ dtype: 'float32' as const, dims: [1, width], data: new Float32Array(width) });
    const feeds = () => ({ [model.inputs[0]!.name]: x() });
    await model.predict(feeds()); // warm
    const measured: Array<{ wall: number; timing: import('../../src/index.js').CallTiming }> = [];
    for (let i = 0; i < 10; i += 1) {
      let timing: import('../../src/index.js').CallTiming | undefined;
      const started = performance.now();
      await model.predict(feeds(), { onTiming: (t) => (timing = t) });
      measured.push({ wall: performance.now() - started, timing: timing! });
    }
    return measured;
  }, sdk.setup.backend);
  for (const { timing } of outcome) {
    const parts = timing.pageQueueMs + timing.toWorkerMs + timing.workerQueueMs + timing.runMs + timing.fromWorkerMs;
    expect(parts).toBeCloseTo(timing.totalMs, 6);
    expect(timing.runMs).toBeGreaterThan(0);
    expect(timing).toMatchObject({ runRows: 1, runRequests: 1 });
  }
  // Over the calls, as one preempted microtask on a busy machine can shift a single call by a few ms.
  const wall = outcome.reduce((sum, call) => sum + call.wall, 0);
  const total = outcome.reduce((sum, call) => sum + call.timing.totalMs, 0);
  expect(Math.abs(total - wall)).toBeLessThanOrEqual(0.1 * wall);
});

test('in a burst, timing shows the coalesced runs and the wait behind the run in flight', async ({ sdk }) => {
  const outcome = await sdk.page.evaluate(async (backend) => {
    const model = await window.webinfer.load(`../models/out/${backend === 'webgpu' ? 'mlp' : 'slow'}.onnx`, {
      backend,
    });
    const width = model.inputs[0]!.shape[1] as number;
    const feeds = () => ({
      [model.inputs[0]!.name]: { dtype: 'float32' as const, dims: [1, width], data: new Float32Array(width) },
    });
    await model.predict(feeds());
    const timings: import('../../src/index.js').CallTiming[] = [];
    await Promise.all(Array.from({ length: 16 }, () => model.predict(feeds(), { onTiming: (t) => timings.push(t) })));
    return { timings, stats: await model.stats() };
  }, sdk.setup.backend);
  expect(outcome.timings).toHaveLength(16);
  const coalesced = outcome.timings.filter((t) => t.runRequests > 1);
  const waited = outcome.timings.filter((t) => t.workerQueueMs > 0.5 * t.runMs);
  expect(coalesced.length).toBeGreaterThan(0);
  expect(waited.length).toBeGreaterThan(0);
  const { latency } = outcome.stats;
  expect(latency?.runMs?.p50).toBeGreaterThan(0);
  expect(latency!.runMs!.p99).toBeGreaterThanOrEqual(latency!.runMs!.p50);
  expect(latency?.queueMs?.p95).toBeGreaterThanOrEqual(latency!.queueMs!.p50);
});
