// Liveness (formerly P6; P6 is now memory): per-call latency of a TF.js graph model (the human liveness model, 1 row) through webinfer vs
// TF.js called directly in a worker by hand-written postMessage: the SDK's overhead on TF.js, as P1
// measures it on ONNX. A figure to watch, with no target (it moved here from a browser spec that
// could only assert it was above zero).
import { interleavedLatency } from '../lib/measure.js';
import { summarize } from '../lib/stats.js';
import { webinferUrl } from './models.js';

const modelUrl = new URL('../../test/models/out/tfjs/human/liveness.json', import.meta.url).href;
const directWorkerUrl = new URL('../../test/models/out/tfjs/direct/worker.js', import.meta.url).href;
const tfjsFolder = new URL('../../dist/tfjs/', import.meta.url).href;
const dims = [1, 32, 32, 3];
const row = () => new Float32Array(3072).map((_, i) => (i % 255) / 255);

/** TF.js in its own worker; each call posts one row (transferred) and waits for the reply. */
async function directRunner(numThreads) {
  const worker = new Worker(directWorkerUrl);
  const reply = () => new Promise((resolve) => worker.addEventListener('message', resolve, { once: true }));
  const loaded = reply();
  worker.postMessage({ cmd: 'load', url: modelUrl, wasmPaths: tfjsFolder, numThreads });
  await loaded;
  const call = async (data) => {
    const done = reply();
    worker.postMessage({ data, dims, dtype: 'float32' }, [data.buffer]);
    await done;
  };
  return { runner: { name: 'direct', prepare: row, call }, close: () => worker.terminate() };
}

/** @param {{ numThreads?: number, reps?: number, warmup?: number }} options */
export async function liveness({ numThreads = 1, reps = 300, warmup = 20 } = {}) {
  const webinfer = await import(webinferUrl);
  const model = await webinfer.load(modelUrl, { backend: 'wasm', numThreads });
  const input = model.inputs[0].name;
  const sdk = {
    name: 'webinfer',
    prepare: () => ({ [input]: { dtype: 'float32', dims, data: row() } }),
    call: (feeds) => model.predict(feeds),
  };
  const direct = await directRunner(numThreads);
  try {
    const samples = await interleavedLatency([sdk, direct.runner], { reps, warmup });
    return {
      model: 'human liveness (TF.js graph model)',
      dims,
      conditions: { backend: 'wasm', isolated: self.crossOriginIsolated, numThreads },
      reps,
      ms: { webinfer: summarize(samples.webinfer.ms), direct: summarize(samples.direct.ms) },
    };
  } finally {
    direct.close();
    await model.dispose();
  }
}
