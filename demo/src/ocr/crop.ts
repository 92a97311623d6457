// Line crops for the classifier and the recognizer: each detected box cut out straight, scaled to the
// models' 48 px height, and batched into one tensor with the narrower crops padded on the right.
import type { Tensor } from '../../../src/index.js';
import { distance } from './geometry.js';
import { drawQuad, type Normalization } from './resample.js';
import type { Point, Quad, RgbaImage } from './types.js';

/** The height both line models take. */
export const lineHeight = 48;

// Values to [-1, 1]; padding, left at 0, is mid-grey.
const symmetric: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** The box's width and height in image pixels, measured as PaddleOCR does: the longer of each pair of sides. */
export function boxSize([topLeft, topRight, bottomRight, bottomLeft]: Quad): { width: number; height: number } {
  return {
    width: Math.max(distance(topLeft, topRight), distance(bottomLeft, bottomRight)),
    height: Math.max(distance(topLeft, bottomLeft), distance(topRight, bottomRight)),
  };
}

/**
 * The box with its corners named so that the text runs left to right. A box at least 1.5 times as tall
 * as it is wide is taken for vertical text and turned a quarter counter-clockwise, as PaddleOCR does.
 */
export function upright(box: Quad): Quad {
  const { width, height } = boxSize(box);
  const [topLeft, topRight, bottomRight, bottomLeft] = box;
  return height >= 1.5 * width ? [topRight, bottomRight, bottomLeft, topLeft] : box;
}

/**
 * The upright box grown by `fraction` of its height on every side. Detected boxes hug the ink, and the
 * recognizer, trained on looser crops, then drops the spaces between words (on the sample receipt, 4
 * lines of 6 lost them); 15% restores them without reaching into lines set at ordinary spacing.
 */
export function withMargin(box: Quad, fraction: number): Quad {
  const [topLeft, topRight, bottomRight, bottomLeft] = box;
  const margin = fraction * boxSize(box).height;
  const top = distance(topLeft, topRight);
  const along: Point = [(topRight[0] - topLeft[0]) / top, (topRight[1] - topLeft[1]) / top];
  const down: Point = [-along[1], along[0]];
  const moved = ([x, y]: Point, a: number, b: number): Point => [
    x + margin * (a * along[0] + b * down[0]),
    y + margin * (a * along[1] + b * down[1]),
  ];
  return [moved(topLeft, -1, -1), moved(topRight, 1, -1), moved(bottomRight, 1, 1), moved(bottomLeft, -1, 1)];
}

/** The box read upside down: the classifier found its text rotated by 180°. */
export function turned([topLeft, topRight, bottomRight, bottomLeft]: Quad): Quad {
  return [bottomRight, bottomLeft, topLeft, topRight];
}

/** The width a box takes at the models' height, keeping its aspect ratio, at most `maxWidth`. */
export function scaledWidth(box: Quad, maxWidth: number): number {
  const { width, height } = boxSize(box);
  return Math.min(maxWidth, Math.max(1, Math.ceil((lineHeight * width) / Math.max(height, 1))));
}

/** The boxes' crops as one float32 tensor [n, 3, 48, width], each scaled to the height and padded. */
export function cropBatch(image: RgbaImage, boxes: readonly Quad[], width: number): Tensor<'float32'> {
  const rowSize = 3 * lineHeight * width;
  const data = new Float32Array(boxes.length * rowSize);
  boxes.forEach((box, row) => {
    const slot = { data, offset: row * rowSize, planeWidth: width, planeHeight: lineHeight };
    drawQuad(image, box, scaledWidth(box, width), lineHeight, slot, symmetric);
  });
  return { dtype: 'float32', dims: [boxes.length, 3, lineHeight, width], data };
}
