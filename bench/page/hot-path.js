// The hot path: where a sequential single-row predict on the tiny MLP spends its time beyond raw
// onnxruntime-web in a worker. Sides, interleaved call by call:
//   postMessage  a bare round trip to a worker that echoes the input buffer (transferred both ways)
//   comlink      the same round trip through a Comlink proxy (transfer both ways)
//   raw          onnxruntime-web session.run in a worker by hand-written postMessage
//   webinfer     model.predict, with its synchronous part (checks, transfer list, outbox) timed apart
import { interleavedLatency } from '../lib/measure.js';
import { RawOrt } from '../lib/raw-ort.js';
import { summarize } from '../lib/stats.js';
import { elementCount, models, ortFolder, ortModuleUrl, sampleInput, webinferUrl } from './models.js';

const comlinkUrl = new URL('../../node_modules/comlink/dist/esm/comlink.mjs', import.meta.url).href;

/** A module worker from source text (the bench page has no CSP). @param {string} source */
function workerFrom(source) {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  URL.revokeObjectURL(url);
  return worker;
}

/** @returns {import('../lib/measure.js').Runner} */
function postMessageSide(length) {
  const worker = workerFrom('onmessage = ({ data }) => postMessage(data, [data.buffer]);');
  return {
    name: 'postMessage',
    prepare: () => new Float32Array(length),
    call: (data) =>
      new Promise((resolve) => {
        worker.onmessage = () => resolve();
        worker.postMessage(data, [data.buffer]);
      }),
  };
}

/** @returns {Promise<import('../lib/measure.js').Runner>} */
async function comlinkSide(length) {
  const Comlink = await import(comlinkUrl);
  const worker = workerFrom(
    `import * as Comlink from '${comlinkUrl}';\n` +
      'Comlink.expose({ echo: (data) => Comlink.transfer(data, [data.buffer]) });',
  );
  const remote = Comlink.wrap(worker);
  return {
    name: 'comlink',
    prepare: () => new Float32Array(length),
    call: async (data) => void (await remote.echo(Comlink.transfer(data, [data.buffer]))),
  };
}

export async function hotPath({ reps = 400, warmup = 50 } = {}) {
  const model = /** @type {import('./models.js').BenchModel} */ (models.mlp);
  const length = elementCount(model.dims);
  const base = sampleInput(length);
  const { load } = await import(`${webinferUrl}?hot-path`);
  const webinfer = await load(model.url, { backend: 'wasm', numThreads: 1, workers: 1 });
  const raw = await new RawOrt().init({ ortUrl: ortModuleUrl, wasmPaths: ortFolder, numThreads: 1, model: model.url });
  const input = webinfer.inputs[0].name;
  /** @type {number[]} */
  const syncMs = [];
  const runners = [
    postMessageSide(length),
    await comlinkSide(length),
    {
      name: 'raw',
      prepare: () => ({ [raw.inputs[0]]: { type: 'float32', dims: model.dims, data: base.slice() } }),
      call: async (/** @type {any} */ feeds) => ({ inner: (await raw.run(feeds)).runMs }),
    },
    {
      name: 'webinfer',
      prepare: () => ({ [input]: { dtype: 'float32', dims: model.dims, data: base.slice() } }),
      call: async (/** @type {any} */ feeds) => {
        const start = performance.now();
        const pending = webinfer.predict(feeds);
        syncMs.push(performance.now() - start);
        await pending;
      },
    },
  ];
  const samples = await interleavedLatency(runners, { reps, warmup });
  await raw.dispose();
  await webinfer.dispose();
  const ms = Object.fromEntries(Object.entries(samples).map(([side, s]) => [side, summarize(s.ms)]));
  return {
    model: model.name,
    conditions: { backend: 'wasm', isolated: self.crossOriginIsolated, numThreads: 1 },
    reps,
    ms,
    rawRunMs: summarize(samples.raw?.inner ?? []),
    webinferSyncMs: summarize(syncMs.slice(warmup)),
  };
}
