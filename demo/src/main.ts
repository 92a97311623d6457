import { importWebinfer, type Model } from './sdk.js';
import { mountDelivery } from './delivery.js';
import { inputHeight, inputWidth, renderText, toInput } from './preprocess.js';
import { mountBenchPanel } from './bench-panel.js';
import { mountTfjsPanel } from './tfjs-panel.js';
import { median } from '../../bench/lib/stats.js';

const modelUrl = 'models/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const labels = ['upright', 'upside down'] as const;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} missing from the page`);
  return found as T;
}

const ui = {
  text: element<HTMLInputElement>('text'),
  flip: element<HTMLInputElement>('flip'),
  canvas: element<HTMLCanvasElement>('canvas'),
  seen: element<HTMLCanvasElement>('seen'),
  result: element<HTMLElement>('result'),
  prediction: element<HTMLElement>('prediction'),
  bar: element<HTMLElement>('bar'),
  status: element<HTMLElement>('status'),
  backend: element<HTMLElement>('backend'),
  reason: element<HTMLElement>('reason'),
  latency: element<HTMLElement>('latency'),
  median: element<HTMLElement>('median'),
  run100: element<HTMLButtonElement>('run100'),
  run100Result: element<HTMLElement>('run100-result'),
};

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** One predict call on a fresh copy of the input (its buffer is transferred to the worker). */
async function classify(model: Model, input: Float32Array): Promise<{ probs: number[]; ms: number }> {
  const feeds = {
    [model.inputs[0]?.name ?? 'x']: { dtype: 'float32', dims: [1, 3, inputHeight, inputWidth], data: input.slice() },
  } as const;
  const start = performance.now();
  const outputs = await model.predict(feeds);
  const elapsed = performance.now() - start;
  const output = outputs[model.outputs[0]?.name ?? ''] ?? Object.values(outputs)[0];
  return { probs: Array.from(output?.data ?? [], Number), ms: elapsed };
}

function fail(error: unknown): void {
  ui.status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  ui.status.classList.add('error');
  console.error(error);
}

function showPrediction(probs: readonly number[]): void {
  const best = (probs[1] ?? 0) > (probs[0] ?? 0) ? 1 : 0;
  const confidence = probs[best] ?? 0;
  ui.prediction.textContent = `${labels[best]} ${(confidence * 100).toFixed(1)}%`;
  ui.result.dataset.label = labels[best];
  ui.bar.style.width = `${(confidence * 100).toFixed(1)}%`;
}

async function main(): Promise<void> {
  ui.status.textContent = 'Loading the SDK and the model…';
  const webinfer = await importWebinfer();
  const delivery = mountDelivery(webinfer, element('delivery'));
  const loadStart = performance.now();
  const model = await webinfer.load(modelUrl, {
    onProgress: (p) => {
      delivery.onProgress(p);
      ui.status.textContent =
        p.phase === 'download'
          ? `Downloading the model… ${(p.loaded / 1024).toFixed(0)} KiB`
          : p.phase === 'cache'
            ? 'Model found in the cache.'
            : 'Starting the runtime…';
    },
    onWarning: delivery.onWarning,
  });
  delivery.loaded(performance.now() - loadStart);
  ui.backend.textContent = model.backend;
  ui.reason.textContent = model.backendReason;
  const shape = (dims: readonly (number | string)[]): string =>
    dims.map((d) => (typeof d === 'number' && d >= 0 ? d : '?')).join(', ');
  ui.status.textContent = `Ready. Model: ${[...model.inputs, ...model.outputs].map((t) => `${t.name} ${t.dtype} [${shape(t.shape)}]`).join(' → ')}`;

  let input: Float32Array = new Float32Array(3 * inputHeight * inputWidth);
  const recent: number[] = [];
  let latest = 0;
  async function update(): Promise<void> {
    const id = ++latest;
    renderText(ui.canvas, ui.text.value || ' ', ui.flip.checked);
    input = toInput(ui.canvas, ui.seen);
    const result = await classify(model, input);
    recent.push(result.ms);
    if (recent.length > 20) recent.shift();
    if (id !== latest) return; // a newer change is on its way
    showPrediction(result.probs);
    ui.latency.textContent = ms(result.ms);
    ui.median.textContent = `${ms(median(recent))} (last ${recent.length})`;
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void update().catch(fail), 60);
  };
  ui.text.addEventListener('input', schedule);
  ui.flip.addEventListener('change', schedule);

  ui.run100.addEventListener('click', () => {
    ui.run100.disabled = true;
    ui.run100Result.textContent = 'running…';
    void (async () => {
      const times: number[] = [];
      for (let i = 0; i < 100; i++) times.push((await classify(model, input)).ms);
      ui.run100Result.textContent = `median ${ms(median(times))}, min ${ms(Math.min(...times))} over 100 calls`;
    })()
      .catch(fail)
      .finally(() => (ui.run100.disabled = false));
  });
  ui.run100.disabled = false;
  await update();
}

main().catch(fail);
mountTfjsPanel(element('tfjs-panel'), ui.canvas);
mountBenchPanel(element('bench-panel'), modelUrl, [1, 3, inputHeight, inputWidth]);
