// The demo's own worker entry: webinfer's worker side plus the OCR task. The SDK is not bundled into
// the demo (see sdk.ts): its worker side is imported at run time from sdk/, beside ort/. Whatever the
// page sends before serve() runs waits for it.
import type { TaskContext } from '../../src/worker/serve.js';
import { parseDictionary } from './ocr/ctc.js';
import { readText } from './ocr/pipeline.js';
import type { OcrResult, RgbaImage, RunModel } from './ocr/types.js';

type WorkerSide = typeof import('../../src/worker/serve.js');

// Built, this file sits in assets/; in the dev server, in src/: the app's root is one up either way.
const appRoot = new URL('../', import.meta.url);
const { serve } = (await import(/* @vite-ignore */ new URL('sdk/worker.js', appRoot).href)) as WorkerSide;

let dictionary: Promise<string[]> | undefined;

/** PaddleOCR's character list, fetched once from the app's origin. */
function loadDictionary(): Promise<string[]> {
  dictionary ??= fetch(new URL('models/ppocr_keys_v1.txt', appRoot)).then(async (response) => {
    if (!response.ok) throw new Error(`the character dictionary ${response.url} answered HTTP ${response.status}`);
    return parseDictionary(await response.text());
  });
  dictionary.catch(() => (dictionary = undefined));
  return dictionary;
}

/** The image's RGBA pixels, drawn on an OffscreenCanvas here in the worker. */
function pixelsOf(image: ImageBitmap): RgbaImage {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('no 2d context on an OffscreenCanvas in this worker');
  context.drawImage(image, 0, 0);
  image.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

export interface ReadInput {
  image: ImageBitmap;
}

export interface ReadOutput extends OcrResult {
  width: number;
  height: number;
}

export const tasks = {
  /** Full OCR of one image: detect, crop, classify orientation, recognise, decode. */
  async read({ image }: ReadInput, { models, signal }: TaskContext): Promise<ReadOutput> {
    const { width, height } = image;
    const pixels = pixelsOf(image);
    const step = (name: 'det' | 'cls' | 'rec'): RunModel => {
      const model = models[name];
      if (model === undefined) throw new Error(`the app connected no model named '${name}'`);
      return (feeds) => {
        signal.throwIfAborted();
        return model.run(feeds);
      };
    };
    const result = await readText(
      pixels,
      { det: step('det'), cls: step('cls'), rec: step('rec') },
      await loadDictionary(),
    );
    return { ...result, width, height };
  },
};

serve({ tasks });
