// The OCR panel: an image in (the built-in sample, a file, a drop or a paste), the worker's `read`
// task runs det -> boxes -> cls -> rec -> decode beside its models, and the page draws what came back.
import type { ReadOutput } from './ocr.worker.js';

export interface OcrUi {
  canvas: HTMLCanvasElement;
  lines: HTMLOListElement;
  timings: HTMLElement;
  sample: HTMLButtonElement;
  file: HTMLInputElement;
  drop: HTMLElement;
}

/** Runs OCR on one image (transferred to the worker) and resolves with what it read. */
export type ReadImage = (image: ImageBitmap) => Promise<ReadOutput>;

const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function draw(canvas: HTMLCanvasElement, image: ImageBitmap, result: ReadOutput): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d canvas context');
  context.drawImage(image, 0, 0);
  context.lineWidth = Math.max(2, image.width / 400);
  context.strokeStyle = '#2563eb';
  for (const { box } of result.lines) {
    context.beginPath();
    box.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.closePath();
    context.stroke();
  }
}

function list(ui: OcrUi, result: ReadOutput, wallMs: number): void {
  ui.lines.replaceChildren(
    ...result.lines.map(({ text, confidence }) => {
      const item = document.createElement('li');
      const said = document.createElement('span');
      said.className = 'text';
      said.textContent = text;
      const sure = document.createElement('span');
      sure.className = 'confidence';
      sure.textContent = `${(confidence * 100).toFixed(1)}%`;
      item.append(said, sure);
      return item;
    }),
  );
  const { det, boxes, cls, rec } = result.timings;
  ui.timings.textContent =
    `${result.lines.length} line(s) in ${ms(wallMs)} (page to page): detect ${ms(det)}, boxes ${ms(boxes)}, ` +
    `orientation ${ms(cls)}, recognise ${ms(rec)}, all in the worker`;
}

/** Wires the panel's inputs to `read`; resolves once the sample has been read the first time. */
export function mountOcrPanel(ui: OcrUi, read: ReadImage, onError: (error: unknown) => void): Promise<void> {
  let latest = 0;
  const readBlob = async (blob: Blob): Promise<void> => {
    const id = ++latest;
    ui.timings.textContent = 'reading…';
    // Two bitmaps: one goes to the worker (transferred, detached here), one stays for drawing.
    const [shown, sent] = await Promise.all([createImageBitmap(blob), createImageBitmap(blob)]);
    const start = performance.now();
    const result = await read(sent);
    if (id !== latest) return; // a newer image is on its way
    draw(ui.canvas, shown, result);
    list(ui, result, performance.now() - start);
    ui.lines.dataset.state = 'done';
  };
  const readSample = async (): Promise<void> => {
    const response = await fetch('ocr-sample.png');
    if (!response.ok) throw new Error(`the sample image answered HTTP ${response.status}`);
    await readBlob(await response.blob());
  };
  const guarded = (work: Promise<void>) => void work.catch(onError);
  ui.sample.addEventListener('click', () => guarded(readSample()));
  ui.file.addEventListener('change', () => {
    const file = ui.file.files?.[0];
    if (file !== undefined) guarded(readBlob(file));
  });
  ui.drop.addEventListener('dragover', (event) => event.preventDefault());
  ui.drop.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) guarded(readBlob(file));
  });
  document.addEventListener('paste', (event) => {
    const file = [...(event.clipboardData?.files ?? [])].find((candidate) => candidate.type.startsWith('image/'));
    if (file !== undefined) guarded(readBlob(file));
  });
  ui.sample.disabled = false;
  ui.file.disabled = false;
  return readSample();
}
