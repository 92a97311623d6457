// P5, one page load: from navigation start (performance.now() = 0) to the first result, for
// ?impl=webinfer (load + predict) or ?impl=raw (the bench's own ORT worker: create + first run).
import { RawOrt } from '../lib/raw-ort.js';
import { elementCount, models, ortFolder, ortModuleUrl, sampleInput, webinferUrl } from './models.js';

const params = new URLSearchParams(location.search);
const impl = params.get('impl') ?? 'webinfer';
const model = models[params.get('model') ?? 'cls'];
const numThreads = Number(params.get('threads') ?? 1);

async function firstResult() {
  if (model === undefined) throw new Error(`unknown model ${params.get('model')}`);
  const data = sampleInput(elementCount(model.dims));
  if (impl === 'raw') {
    const raw = await new RawOrt().init({ ortUrl: ortModuleUrl, wasmPaths: ortFolder, numThreads, model: model.url });
    const input = raw.inputs[0] ?? 'x';
    await raw.run({ [input]: { type: 'float32', dims: model.dims, data } });
    return;
  }
  const { load } = await import(webinferUrl);
  const m = await load(model.url, { backend: 'wasm', numThreads });
  await m.predict({ [m.inputs[0].name]: { dtype: 'float32', dims: model.dims, data } });
}

firstResult().then(
  () => (window.warm = { impl, model: model?.key, ms: performance.now() }),
  (error) => (window.warm = { impl, error: String(error?.message ?? error) }),
);
