// PaddleOCR in plain TypeScript: detect the text lines, turn upside-down ones round, read each. The
// models are run by the caller (`RunModel`), so this runs anywhere: in a Web Worker over webinfer, or
// in Node over onnxruntime-node for the tests.
import { classifyAndTurn } from './classify.js';
import { upright, withMargin } from './crop.js';
import { detectorInput, textBoxes } from './detect.js';
import { runOnImages } from './model-io.js';
import { inReadingOrder } from './reading-order.js';
import { recognizeLines } from './recognize.js';
import type { OcrLine, OcrModels, OcrResult, RgbaImage } from './types.js';

export { parseDictionary } from './ctc.js';
export type { OcrLine, OcrModels, OcrResult, RgbaImage, RunModel } from './types.js';
export type { Tensor, Tensors } from '../../../src/index.js';

// PaddleOCR's drop_score: lines read with less confidence are mostly not text at all.
const minConfidence = 0.5;

// Of the line height, added on every side of a box before it is cropped (see withMargin).
const cropMargin = 0.15;

/**
 * The lines of text in the image, top to bottom then left to right. `dictionary` is the recognizer's,
 * from parseDictionary(). The classifier and recognizer are called once per input shape, with every
 * line in the batch.
 */
export async function readText(image: RgbaImage, models: OcrModels, dictionary: readonly string[]): Promise<OcrResult> {
  const started = performance.now();
  const map = await runOnImages(models.det, 'det', detectorInput(image));
  const detected = performance.now();
  const boxes = inReadingOrder(textBoxes(map, image.width, image.height));
  const boxed = performance.now();
  const crops = boxes.map((box) => withMargin(upright(box), cropMargin));
  const oriented = await classifyAndTurn(image, crops, models.cls);
  const classified = performance.now();
  const read = await recognizeLines(image, oriented, models.rec, dictionary);
  const recognized = performance.now();
  const lines: OcrLine[] = boxes
    .map((box, i) => ({ text: read[i]?.text ?? '', confidence: read[i]?.confidence ?? 0, box }))
    .filter((line) => line.text.trim() !== '' && line.confidence >= minConfidence);
  return {
    lines,
    timings: {
      det: detected - started,
      boxes: boxed - detected,
      cls: classified - boxed,
      rec: recognized - classified,
    },
  };
}
