// Soak: 10,000 predicts on one model, measuring the memory of the page and its worker after warm-up
// and at the end. Run with `npm run soak` (builds first); prints JSON, then a one-line summary.
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../chromium.mjs';
import { startServer } from '../server.mjs';

const total = Number(process.env.SOAK_CALLS ?? 10_000);
const warmup = 1_000;
const concurrency = 16;

const server = await startServer(4176);
const browser = await chromium.launch({
  executablePath: chromiumPath,
  // ForceEagerMeasureMemory: measureUserAgentSpecificMemory answers at once instead of at the next GC.
  args: [...chromiumArgs, '--enable-blink-features=ForceEagerMeasureMemory', '--js-flags=--expose-gc'],
});
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await page.goto('http://127.0.0.1:4176/coi/test/pages/esm.html');
  await page.waitForFunction(() => window.webinfer !== undefined);
  await page.evaluate(async () => {
    window.harness.models.mlp = await window.webinfer.load('../models/out/mlp.onnx', { backend: 'wasm' });
  });

  const run = (calls) =>
    page.evaluate(
      async ({ calls, concurrency }) => {
        const model = window.harness.models.mlp;
        for (let done = 0; done < calls; done += concurrency) {
          const burst = Array.from({ length: Math.min(concurrency, calls - done) }, (_, i) =>
            model.predict({
              features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill((done + i) % 7) },
            }),
          );
          await Promise.all(burst);
        }
      },
      { calls, concurrency },
    );

  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const all = await page.evaluate(async () => (await performance.measureUserAgentSpecificMemory()).bytes);
    return { pageHeapBytes: usedSize, pageAndWorkerBytes: all };
  };

  const timed = async (work) => {
    const started = performance.now();
    await work();
    return (performance.now() - started) / 1000;
  };
  const warmupSeconds = await timed(() => run(warmup));
  const afterWarmup = await measure();
  const seconds = warmupSeconds + (await timed(() => run(total - warmup)));
  const atEnd = await measure();
  const growth = (key) => (atEnd[key] - afterWarmup[key]) / afterWarmup[key];
  const stats = await page.evaluate(() => window.harness.models.mlp.stats());
  const result = {
    calls: total,
    warmupCalls: warmup,
    concurrency,
    model: 'test/models/out/mlp.onnx',
    backend: 'wasm',
    crossOriginIsolated: true,
    /** Predicting only; measuring memory waits for the browser, which can take many seconds. */
    seconds,
    stats,
    afterWarmup,
    atEnd,
    growth: { pageHeap: growth('pageHeapBytes'), pageAndWorker: growth('pageAndWorkerBytes') },
  };
  console.log(JSON.stringify(result, null, 2));
  const pct = (v) => `${(v * 100).toFixed(2)}%`;
  const mib = (v) => `${(v / 2 ** 20).toFixed(1)} MiB`;
  const ok = result.growth.pageAndWorker < 0.05 && result.growth.pageHeap < 0.05;
  console.log(
    `soak: ${total} predicts in ${seconds.toFixed(1)} s (${stats.runs} engine runs); memory growth after warm-up: ` +
      `page+worker ${pct(result.growth.pageAndWorker)} (${mib(afterWarmup.pageAndWorkerBytes)} -> ${mib(atEnd.pageAndWorkerBytes)}), ` +
      `page heap ${pct(result.growth.pageHeap)} (${mib(afterWarmup.pageHeapBytes)} -> ` +
      `${mib(atEnd.pageHeapBytes)}) — ${ok ? 'under' : 'OVER'} the 5% bound`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
  server.close();
}
