// The direction classifier: which line crops are upside down. One model call for all the lines.
import { cropBatch, turned } from './crop.js';
import { runOnImages } from './model-io.js';
import type { Quad, RgbaImage, RunModel } from './types.js';

/** The classifier's input width: crops are scaled to 48 px high and squeezed or padded to it. */
const classifierWidth = 192;

// PaddleOCR's cls_thresh: a line is turned only when the model is this sure, since a wrong turn ruins it.
const turnedThreshold = 0.9;

/** The boxes with those the classifier finds rotated by 180° turned round (their corners renamed). */
export async function classifyAndTurn(image: RgbaImage, boxes: readonly Quad[], cls: RunModel): Promise<Quad[]> {
  if (boxes.length === 0) return [];
  const probabilities = await runOnImages(cls, 'cls', cropBatch(image, boxes, classifierWidth));
  // Output [n, 2]: class 0 is upright, class 1 is rotated by 180°.
  return boxes.map((box, row) => ((probabilities.data[2 * row + 1] ?? 0) > turnedThreshold ? turned(box) : box));
}
