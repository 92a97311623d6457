// `npm run bench`: builds what is missing, serves dist/ + bench/ + test/models/out on 127.0.0.1:4175
// (with HTTP caching allowed), drives Debian's Chromium through Playwright, prints one summary line per
// metric and writes bench/results.json. Environment:
//   BENCH_THREADS=n   WASM threads for every side (default 1: the machine has 2 cores, and the page's
//                     main-thread ORT cannot block on threads)
//   BENCH_ONLY=p1,p5  run only these metrics (p1-p10, p2 includes the ceiling, hotpath, liveness);   BENCH_QUICK=1  fewer repetitions (for development)
//   BENCH_SDK=folder  bench another build of the SDK (a folder under bench/, e.g. a candidate change)
//   CHROMIUM_PATH     the browser (default /usr/bin/chromium);   BENCH_PORT (default 4175)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../test/chromium.mjs';
import { startServer } from '../test/server.mjs';
import { bundleOcrPipeline, prepare, repo } from './prepare.mjs';
import { summarize } from './summary.mjs';
import { summarize as stats } from './lib/stats.js';

const numThreads = Number(process.env.BENCH_THREADS ?? 1);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toLowerCase());
const quick = process.env.BENCH_QUICK === '1';
const port = Number(process.env.BENCH_PORT ?? 4175);
const base = `http://127.0.0.1:${port}/coi/bench/page/`;
const sdk = process.env.BENCH_SDK ? `sdk=${encodeURIComponent(process.env.BENCH_SDK)}` : '';
const wants = (metric) => only === undefined || only.includes(metric);
const launchOptions = {
  executablePath: chromiumPath,
  headless: true,
  // Eager: measureUserAgentSpecificMemory answers at once instead of after the next GC (up to 20 s).
  args: chromiumArgs,
};
const reps = quick
  ? {
      p1: { mlp: 60, cls: 30 },
      p2: { mlp: 3, wide: 3, cls: 2 },
      p3: 3,
      p4: 4,
      p5: 2,
      liveness: 60,
      p7: 3,
      p8: 3,
      p9: 2,
      p10: 1,
    }
  : {
      p1: { mlp: 400, cls: 150 },
      p2: { mlp: 9, wide: 7, cls: 5 },
      p3: 7,
      p4: 10,
      p5: 5,
      liveness: 300,
      p7: 7,
      p8: 9,
      p9: 5,
      p10: 3,
    };

const began = Date.now();
const log = (text) => console.log(`bench [${((Date.now() - began) / 1000).toFixed(0)} s] ${text}`);
const watch = (page) => {
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && console.error(`[console] ${message.text()}`));
};

/** P1-P4, P8 and liveness in one page: every comparison side by side, interleaved. */
async function inPage(results) {
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    watch(page);
    await page.goto(`${base}index.html?${sdk}&cache=${process.env.BENCH_CACHE ?? ''}`);
    await page.waitForFunction(() => window.bench !== undefined);
    results.page = await page.evaluate((numThreads) => window.bench.setup({ numThreads }), numThreads);
    const call = (name, options) => page.evaluate(([name, options]) => window.bench[name](options), [name, options]);
    if (wants('p1')) {
      results.p1 = {};
      for (const model of ['mlp', 'cls']) {
        log(`P1 ${model}: sequential single-sample calls, webinfer / raw / proxy / main interleaved`);
        results.p1[model] = await call('p1', { model, reps: reps.p1[model] });
      }
    }
    if (wants('hotpath')) {
      log('hot path: sequential single-row calls on the tiny MLP, layer by layer');
      results.hotPath = await call('hotPath', { reps: reps.p1.mlp });
    }
    if (wants('p2')) {
      results.p2 = {};
      for (const model of ['mlp', 'wide', 'cls']) {
        log(`P2 ${model}: 256 concurrent webinfer calls vs 256 sequential raw / proxy calls`);
        results.p2[model] = await call('p2', { model, rounds: reps.p2[model] });
      }
    }
    if (wants('p3')) {
      log('P3: handing a 64 MiB input to predict vs structuredClone');
      results.p3 = await call('p3', { reps: reps.p3 });
    }
    if (wants('p4')) {
      log(`P4: ${reps.p4} s each of back-to-back OCR recognizer predicts, webinfer vs main thread`);
      results.p4 = await call('p4', { seconds: reps.p4 });
    }
    if (wants('p8')) {
      results.p8 = {};
      for (const model of ['mlp', 'wide', 'cls']) {
        log(`P8 ${model}: per-call latency within a burst of 256 concurrent calls`);
        results.p8[model] = await call('p8', { model, rounds: reps.p8 });
      }
    }
    if (wants('p9')) {
      log('P9: OCR end to end, one task in the app worker vs the same steps driven from the page');
      results.p9 = await call('p9', { rounds: reps.p9, numThreads });
    }
    if (wants('p10')) {
      log('P10: Silero VAD over 60 s of audio, a stream (state in the worker) vs sequential predicts carrying it');
      results.p10 = await call('p10', { rounds: reps.p10, numThreads });
    }
    if (wants('p6')) {
      log('P6: memory of the runtime, of a model, and of a second replica (measureUserAgentSpecificMemory)');
      results.p6 = await call('p6', {});
    }
    if (wants('liveness')) {
      log('liveness: TF.js model, sequential single-row calls, webinfer vs TF.js direct in a worker');
      results.liveness = await call('liveness', { numThreads, reps: reps.liveness });
    }
  } finally {
    await browser.close();
  }
}

/**
 * P7 in its own pages: a plain page (no COOP/COEP, so one thread per worker), 1 worker vs 2; and an
 * isolated page, where threads compete with workers for the same cores.
 */
async function multiCore(results) {
  const browser = await chromium.launch(launchOptions);
  const pages = {
    plain: [
      { name: '1 worker', workers: 1 },
      { name: '2 workers', workers: 2 },
    ],
    isolated: [
      { name: '1 worker x 1 thread', workers: 1, numThreads: 1 },
      { name: '1 worker x 2 threads', workers: 1, numThreads: 2 },
      { name: '2 workers x 1 thread', workers: 2, numThreads: 1 },
      { name: '2 workers x 2 threads', workers: 2, numThreads: 2 },
    ],
  };
  results.p7 = {};
  try {
    for (const [kind, configs] of Object.entries(pages)) {
      for (const model of ['cls', 'wide']) {
        log(`P7 ${model}, ${kind} page: 256 concurrent calls, ${configs.map((c) => c.name).join(' / ')}`);
        const page = await browser.newPage();
        watch(page);
        await page.goto(`${base.replace('/coi/', kind === 'plain' ? '/plain/' : '/coi/')}index.html?${sdk}`);
        await page.waitForFunction(() => window.bench !== undefined);
        results.p7[`${model}.${kind}`] = await page.evaluate((options) => window.bench.p7(options), {
          model,
          rounds: reps.p7,
          configs,
        });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
}

/**
 * P5 in a persistent profile, as a returning visitor has (disk HTTP cache and V8's code cache, which
 * an incognito context lacks): one cold load of each side, then later loads interleaved.
 */
async function warmStart(results) {
  const profile = mkdtempSync(join(tmpdir(), 'webinfer-bench-'));
  const context = await chromium.launchPersistentContext(profile, launchOptions);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page);
    const once = async (impl, model) => {
      await page.goto(`${base}warm.html?impl=${impl}&model=${model}&threads=${numThreads}&${sdk}`);
      await page.waitForFunction(() => window.warm !== undefined, null, { timeout: 120_000 });
      const warm = await page.evaluate(() => window.warm);
      if (warm.error) throw new Error(`P5 ${impl}: ${warm.error}`);
      await page.goto('about:blank');
      return warm.ms;
    };
    results.p5 = {};
    for (const model of ['cls']) {
      log(`P5 ${model}: warm start, page load to first result, webinfer vs raw`);
      const cold = { webinfer: await once('webinfer', model), raw: await once('raw', model) };
      const ms = { webinfer: [], raw: [] };
      for (let i = 0; i < reps.p5; i++) {
        for (const impl of i % 2 === 0 ? ['webinfer', 'raw'] : ['raw', 'webinfer'])
          ms[impl].push(await once(impl, model));
      }
      results.p5[model] = {
        conditions: { backend: 'wasm', isolated: true, numThreads, cache: 'HTTP cache (max-age), persistent profile' },
        cold,
        webinfer: stats(ms.webinfer),
        raw: stats(ms.raw),
      };
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// A hung page must not hang CI or a person's terminal: the whole bench is meant to take < 10 minutes.
setTimeout(() => {
  console.error('bench: still running after 9.5 minutes; giving up');
  process.exit(1);
}, 570_000).unref();

prepare();
await bundleOcrPipeline();
const server = await startServer(port, { cache: true });
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  numThreads,
  quick,
  sdk: process.env.BENCH_SDK ?? 'dist',
};
try {
  await inPage(results);
  if (wants('p7')) await multiCore(results);
  if (wants('p5')) await warmStart(results);
} finally {
  server.close();
}
results.seconds = Math.round((Date.now() - began) / 1000);
const lines = summarize(results);
results.summary = lines;
writeFileSync(join(repo, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${lines.join('\n')}\n\nbench: wrote bench/results.json in ${results.seconds} s`);
