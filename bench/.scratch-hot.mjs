// Scratch: where a lone predict's time goes, worker side (not committed).
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../test/chromium.mjs';
import { startServer } from '../test/server.mjs';
const server = await startServer(4177, { cache: true });
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
const page = await browser.newPage();
await page.goto('http://127.0.0.1:4177/coi/bench/page/index.html');
await page.waitForFunction(() => window.bench !== undefined);
const out = await page.evaluate(async () => {
  const { load } = await import('/coi/bench/.scratch/hot/webinfer.js');
  const m = await load('/coi/test/models/out/mlp.onnx', { backend: 'wasm', numThreads: 1, workers: 1 });
  const row = () => ({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill(0.5) } });
  for (let i = 0; i < 100; i++) await m.predict(row());
  const s0 = await m.stats();
  const t0 = performance.now();
  const n = 1000;
  for (let i = 0; i < n; i++) await m.predict(row());
  const total = performance.now() - t0;
  const s1 = await m.stats();
  return {
    perCall: total / n,
    hostPerCall: (s1.host.ms - s0.host.ms) / (s1.host.n - s0.host.n),
    enginePerCall: (s1.engine.ms - s0.engine.ms) / (s1.engine.n - s0.engine.n),
  };
});
console.log(JSON.stringify(out));
await browser.close();
server.close();
