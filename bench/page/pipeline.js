// P9: OCR end to end on the demo's sample, as one task in the app's worker vs the same steps driven
// from the page (each model a separate predict, the image decoded and cropped on the main thread).
import { parseDictionary, readText } from '../.build/ocr-pipeline.js';
import { summarize } from '../lib/stats.js';
import { webinferUrl } from './models.js';

const modelsDir = new URL('../models/', import.meta.url);
const ocrModels = {
  det: new URL('ch_PP-OCRv4_det_infer.onnx', modelsDir).href,
  cls: new URL('ch_ppocr_mobile_v2.0_cls_infer.onnx', modelsDir).href,
  rec: new URL('ch_PP-OCRv4_rec_infer.onnx', modelsDir).href,
};
const dictionaryUrl = new URL('ppocr_keys_v1.txt', modelsDir).href;

const bytesOf = (tensors) => Object.values(tensors).reduce((sum, tensor) => sum + tensor.data.byteLength, 0);

/** The image's pixels, read on the main thread as a page-driven app must. */
function pixelsOnPage(image) {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height);
}

/**
 * How long the main thread was busy while `work` ran: a 4 ms timer runs beside it, and the time each
 * tick came late (past a 1 ms slack) is time the thread spent on something else. A timer rather than a
 * busy chain of messages, which would itself take a core from the worker it is measuring beside.
 */
async function mainThreadBusy(work) {
  const periodMs = 4;
  let busy = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    busy += Math.max(0, now - last - periodMs - 1);
    last = now;
  }, periodMs);
  await work();
  clearInterval(timer);
  return busy;
}

export async function p9({ rounds = 5, numThreads = 1 } = {}) {
  const webinfer = await import(webinferUrl);
  const options = { backend: 'wasm', numThreads };
  const app = await webinfer.connect(
    () => new Worker(new URL('./ocr.worker.js', import.meta.url), { type: 'module' }),
    {
      ...options,
      models: ocrModels,
    },
  );
  // One worker for the page-driven side too, as the task has: the same compute, placed differently.
  const onPage = Object.fromEntries(
    await Promise.all(
      Object.entries(ocrModels).map(async ([name, url]) => [
        name,
        await webinfer.load(url, { ...options, workers: 1 }),
      ]),
    ),
  );
  const dictionary = parseDictionary(await (await fetch(dictionaryUrl)).text());
  const sample = await (await fetch(new URL('ocr-sample.png', modelsDir))).blob();

  const viaTask = async () => {
    const image = await createImageBitmap(sample);
    const crossed = image.width * image.height * 4;
    const result = await app.run('read', { image, dictionaryUrl });
    return { result, crossed: crossed + JSON.stringify(result).length };
  };
  const fromPage = async () => {
    const image = await createImageBitmap(sample);
    let crossed = 0;
    const run = (name) => async (feeds) => {
      crossed += bytesOf(feeds);
      const outputs = await onPage[name].predict(feeds);
      crossed += bytesOf(outputs);
      return outputs;
    };
    const result = await readText(
      pixelsOnPage(image),
      { det: run('det'), cls: run('cls'), rec: run('rec') },
      dictionary,
    );
    return { result, crossed };
  };
  const sides = { task: viaTask, page: fromPage };
  const wall = { task: [], page: [] };
  const busy = { task: [], page: [] };
  const crossed = {};
  const text = {};
  const stages = { task: [], page: [] };
  for (const side of Object.keys(sides)) await sides[side](); // warm up: first runs compile kernels
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? ['task', 'page'] : ['page', 'task']) {
      const start = performance.now();
      const { result, crossed: bytes } = await sides[side]();
      wall[side].push(performance.now() - start);
      crossed[side] = bytes;
      text[side] = result.lines.map((line) => line.text);
      stages[side].push(result.timings);
    }
  }
  // Busy time in rounds of its own: the ping chain competes for the cores it measures.
  for (let round = 0; round < Math.min(3, rounds); round++) {
    for (const side of ['task', 'page']) busy[side].push(await mainThreadBusy(sides[side]));
  }
  await app.dispose();
  await Promise.all(Object.values(onPage).map((model) => model.dispose()));
  return {
    conditions: { backend: 'wasm', isolated: crossOriginIsolated, numThreads, image: '800x400 receipt, 6 lines' },
    rounds,
    sameText: JSON.stringify(text.task) === JSON.stringify(text.page),
    lines: text.task,
    wallMs: { task: summarize(wall.task), page: summarize(wall.page) },
    bytesCrossing: crossed,
    mainThreadBusyMs: { task: summarize(busy.task), page: summarize(busy.page) },
    stagesMs: Object.fromEntries(
      Object.entries(stages).map(([side, all]) => [
        side,
        Object.fromEntries(Object.keys(all[0]).map((stage) => [stage, summarize(all.map((t) => t[stage])).median])),
      ]),
    ),
  };
}
