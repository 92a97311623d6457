// The demo's Benchmark panel: runs the bench's P1 (per-call latency) and P2 (throughput under
// concurrency) live in the visitor's browser, webinfer against onnxruntime-web called by hand in a
// worker ("raw"), with the same procedures `npm run bench` uses (bench/lib/).
import { interleavedLatency, perSecond, pooled, type Runner } from '../../bench/lib/measure.js';
import { RawOrt } from '../../bench/lib/raw-ort.js';
import { median } from '../../bench/lib/stats.js';
import { histogram, latencyChart, throughputChart, workersChart } from './bench-charts.js';
import './bench-panel.css';
import { importWebinfer, type Model } from './sdk.js';
import { workerSweep } from './worker-sweep.js';

type Backend = 'wasm' | 'webgpu';
const concurrencies = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** A real GPU adapter, never a software fallback: timing SwiftShader would tell nothing. */
async function hasRealGpu(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return null;
  try {
    const adapter = await gpu.requestAdapter();
    const info = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
    if (
      adapter === null ||
      info === undefined ||
      info.isFallbackAdapter === true ||
      info.architecture === 'swiftshader'
    )
      return null;
    return [info.vendor, info.architecture].filter(Boolean).join(' ') || 'GPU';
  } catch {
    return null;
  }
}

function html(tag: string, attributes: Record<string, string> = {}, text = ''): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.textContent = text;
  return node;
}

type CallTiming = import('../../src/index.js').CallTiming;

interface Sides {
  webinfer: Runner;
  raw: Runner;
  /** Where each webinfer call's time went (predict's onTiming). */
  timings: CallTiming[];
  dispose(): Promise<void>;
}

/** A webinfer call's time, part by part (medians), in words. */
function breakdown(timings: readonly CallTiming[]): string {
  const part = (pick: (timing: CallTiming) => number) => median(timings.map(pick)).toFixed(3);
  return (
    `Where a webinfer call's time goes (each part's median over ${timings.length} calls): on the page ${part((t) => t.pageQueueMs)} ms, ` +
    `to the worker ${part((t) => t.toWorkerMs)} ms, queued there ${part((t) => t.workerQueueMs)} ms, engine run ` +
    `${part((t) => t.runMs)} ms, back to the page ${part((t) => t.fromWorkerMs)} ms; the whole call ${part((t) => t.totalMs)} ms.`
  );
}

async function makeSides(modelUrl: string, dims: number[], backend: Backend): Promise<Sides> {
  const numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;
  const { load } = await importWebinfer();
  const model: Model = await load(modelUrl, { backend, numThreads, batch: { maxSize: 64 } });
  const ortFolder = new URL('sdk/ort/', document.baseURI).href;
  const raw = await new RawOrt().init({
    ortUrl: new URL(backend === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs', ortFolder).href,
    wasmPaths: ortFolder,
    numThreads,
    model: new URL(modelUrl, document.baseURI).href,
    backend,
  });
  const base = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i % 255) / 255);
  const webinferInput = model.inputs[0]?.name ?? 'x';
  const rawInput = raw.inputs[0] ?? 'x';
  const timings: CallTiming[] = [];
  return {
    timings,
    webinfer: {
      name: 'webinfer',
      prepare: () => ({ [webinferInput]: { dtype: 'float32', dims, data: base.slice() } }),
      call: async (feeds) => void (await model.predict(feeds, { onTiming: (timing) => timings.push(timing) })),
    },
    raw: {
      name: 'raw',
      prepare: () => ({ [rawInput]: { type: 'float32', dims, data: base.slice() } }),
      call: async (feeds) => ({ inner: (await raw.run(feeds)).runMs }),
    },
    dispose: async () => {
      await Promise.all([model.dispose(), raw.dispose()]);
    },
  };
}

/** The benchmark's verdict for someone who does not read charts. */
function inWords(webinferMs: number, rawMs: number, webinferRate: number, rawRate: number): string {
  const cost = (webinferMs / rawMs - 1) * 100;
  const single =
    Math.abs(cost) < 5
      ? 'as fast as'
      : cost > 0
        ? `${cost.toFixed(0)}% slower than`
        : `${(-cost).toFixed(0)}% faster than`;
  return (
    `In short: one call at a time, webinfer answers ${single} onnxruntime-web wired by hand into a worker ` +
    `(${webinferMs.toFixed(2)} vs ${rawMs.toFixed(2)} ms), and when many calls arrive together it serves ` +
    `${(webinferRate / rawRate).toFixed(1)}× as many per second as that worker taking them one by one, ` +
    `without blocking this page.`
  );
}

/** Builds the panel into `host`; nothing runs until the visitor presses Run. */
export function mountBenchPanel(host: HTMLElement, modelUrl: string, dims: number[]): void {
  host.append(html('h2', {}, 'Benchmark'));
  host.append(
    html(
      'p',
      { class: 'hint' },
      'Runs in your browser: the same classifier through webinfer and through onnxruntime-web called by hand in ' +
        'a worker, interleaved call by call.',
    ),
  );
  const controls = html('div', { class: 'bench-controls' });
  const select = html('select', { id: 'bench-backend', 'aria-label': 'Backend' }) as HTMLSelectElement;
  select.append(html('option', { value: 'wasm' }, 'WASM'));
  const button = html('button', { type: 'button', id: 'bench-run' }, 'Run benchmark') as HTMLButtonElement;
  const status = html('span', { class: 'bench-status', id: 'bench-status' });
  controls.append(select, button, status);
  const summary = html('p', { class: 'bench-summary', id: 'bench-summary' });
  const latencyHost = html('div', { class: 'bench-chart' });
  const throughputHost = html('div', { class: 'bench-chart' });
  const workersHost = html('div', { class: 'bench-chart' });
  const workersSummary = html('p', { class: 'bench-summary', id: 'bench-workers-summary' });
  const verdict = html('p', { class: 'bench-verdict', id: 'bench-verdict' });
  const parts = html('p', { class: 'bench-summary', id: 'bench-breakdown' });
  host.append(controls, summary, parts, latencyHost, throughputHost, workersHost, workersSummary, verdict);
  void hasRealGpu().then(
    (gpu) => gpu !== null && select.append(html('option', { value: 'webgpu' }, `WebGPU (${gpu})`)),
  );

  button.addEventListener('click', () => {
    button.disabled = true;
    select.disabled = true;
    for (const chart of [latencyHost, throughputHost, workersHost]) chart.replaceChildren();
    for (const line of [summary, parts, workersSummary, verdict]) line.textContent = '';
    void run(select.value as Backend)
      .catch(
        (error: unknown) => (status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        button.disabled = false;
        select.disabled = false;
      });
  });

  async function run(backend: Backend): Promise<void> {
    status.textContent = 'loading both sides…';
    const sides = await makeSides(modelUrl, dims, backend);
    try {
      const reps = 100;
      status.textContent = `latency: ${reps} calls each…`;
      const samples = await interleavedLatency([sides.webinfer, sides.raw], {
        reps,
        warmup: 10,
        onProgress: (done) => (status.textContent = `latency: ${done}/${reps}…`),
      });
      const w = samples.webinfer?.ms ?? [];
      const r = samples.raw?.ms ?? [];
      latencyChart(latencyHost, histogram(w, r));
      parts.textContent = breakdown(sides.timings.slice(-reps));
      const p1 =
        `P1 latency: webinfer ${median(w).toFixed(2)} ms, raw ${median(r).toFixed(2)} ms per call ` +
        `(${(median(w) / median(r)).toFixed(3)}x).`;
      summary.textContent = p1;
      const webinferRate: number[] = [];
      const rawRate: number[] = [];
      for (const c of concurrencies) {
        status.textContent = `throughput: ${c} in flight…`;
        const total = Math.max(64, c);
        // Interleaved, and the better of two tries each, to damp one-off stalls.
        const w1 = await pooled(sides.webinfer, total, c);
        const r1 = await pooled(sides.raw, total, c);
        const r2 = await pooled(sides.raw, total, c);
        const w2 = await pooled(sides.webinfer, total, c);
        webinferRate.push(perSecond(total, Math.min(w1, w2)));
        rawRate.push(perSecond(total, Math.min(r1, r2)));
      }
      throughputChart(throughputHost, [concurrencies, webinferRate, rawRate]);
      const last = concurrencies.length - 1;
      summary.textContent =
        `${p1} P2 throughput at ${concurrencies[last]} in flight: webinfer ${(webinferRate[last] ?? 0).toFixed(0)}/s, ` +
        `raw ${(rawRate[last] ?? 0).toFixed(0)}/s; raw one at a time ${(rawRate[0] ?? 0).toFixed(0)}/s.`;
      verdict.textContent = inWords(median(w), median(r), webinferRate[last] ?? 0, rawRate[0] ?? 0);
    } finally {
      await sides.dispose();
    }
    const sweep = await workerSweep(modelUrl, dims, backend, (text) => (status.textContent = text));
    workersChart(workersHost, [sweep.workers, sweep.perSecond]);
    workersSummary.textContent = sweep.verdict;
    status.textContent = `done (${backend})`;
  }
}
