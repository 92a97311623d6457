// P6: memory per loaded model and per replica, as the browser counts it
// (performance.measureUserAgentSpecificMemory, cross-origin isolated pages only), against the model
// file's size. The page side should hold no copy of the model: its share must not grow with it.
import { RawOrt } from '../lib/raw-ort.js';
import { models, ortFolder, ortModuleUrl, webinferUrl } from './models.js';

/**
 * The browser's memory measurement, split by who holds it: the page (Window) and the SDK's workers
 * (ORT's thread workers, if any, counted with workers).
 */
async function measure() {
  const result = await /** @type {any} */ (performance).measureUserAgentSpecificMemory();
  let page = 0;
  let workers = 0;
  for (const entry of result.breakdown) {
    const scopes = entry.attribution.map((/** @type {{ scope: string }} */ a) => a.scope);
    if (scopes.includes('Window')) page += entry.bytes;
    else if (scopes.some((/** @type {string} */ scope) => scope.includes('Worker'))) workers += entry.bytes;
  }
  return { total: result.bytes, page, workers };
}

/** @param {Awaited<ReturnType<typeof measure>>} a @param {Awaited<ReturnType<typeof measure>>} b */
const delta = (a, b) => ({ total: b.total - a.total, page: b.page - a.page, workers: b.workers - a.workers });

/**
 * Steps: nothing loaded; a tiny model on one worker (the runtime's own cost); the OCR recognizer
 * added on that worker (the model's cost); then the recognizer on two workers (a second replica
 * brings a worker of its own: runtime + model); and raw onnxruntime-web in a worker with the model.
 */
export async function p6({ model = 'rec' } = {}) {
  const sdk = await import(`${webinferUrl}?memory`);
  sdk.configure({ maxWorkers: 8, idleWorkerMs: 0 });
  const bench = /** @type {import('./models.js').BenchModel} */ (models[model]);
  const bytes = Number((await fetch(bench.url, { method: 'HEAD' })).headers.get('content-length'));
  const options = {
    backend: 'wasm',
    numThreads: 1,
    cache: new URLSearchParams(location.search).get('cache') !== 'false',
  };
  const start = await measure();
  const tiny = await sdk.load(/** @type {any} */ (models.mlp).url, { ...options, workers: 1 });
  const withRuntime = await measure();
  const one = await sdk.load(`${bench.url}?replicas=1`, { ...options, workers: 1 });
  const withModel = await measure();
  await one.dispose();
  const two = await sdk.load(`${bench.url}?replicas=2`, { ...options, workers: 2 });
  const withTwo = await measure();
  const runtime = delta(start, withRuntime);
  const perModel = delta(withRuntime, withModel);
  const secondReplica = delta(withModel, withTwo);
  await two.dispose();
  await tiny.dispose();
  // The raw runtime for comparison: onnxruntime-web in a worker of its own, with the same model.
  await new Promise((resolve) => setTimeout(resolve, 500)); // the SDK's idle workers end
  const beforeRaw = await measure();
  const raw = await new RawOrt().init({ ortUrl: ortModuleUrl, wasmPaths: ortFolder, numThreads: 1, model: bench.url });
  const rawWorker = delta(beforeRaw, await measure());
  await raw.dispose();
  return {
    model: bench.name,
    modelBytes: bytes,
    conditions: { backend: 'wasm', isolated: self.crossOriginIsolated, numThreads: 1 },
    workers: two.workers,
    runtime,
    perModel,
    secondReplica,
    rawWorker,
  };
}
