// PaddleOCR's DB text detector around the model: the image resized and normalised on the way in, the
// probability map turned into line boxes on the way out (DBPostProcess with its standard settings).
import type { Tensor } from '../../../src/index.js';
import { insideQuad, minAreaRect, type RotatedRect, rectCorners, unclip } from './geometry.js';
import { regionOutlines } from './regions.js';
import { drawQuad, type Normalization } from './resample.js';
import type { Quad, RgbaImage } from './types.js';

/** The detector's input's longer side at most: bigger images are shrunk, keeping their aspect ratio. */
export const maxDetectorSide = 960;

const imagenet: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

const settings = {
  /** A map value above this is text. */
  threshold: 0.3,
  /** A box is kept when the mean probability inside it is at least this. */
  boxThreshold: 0.6,
  /** How far a box grows back out, as area × ratio / perimeter: the model predicts shrunk text kernels. */
  unclipRatio: 1.5,
  /** Boxes with a shorter side (in map pixels) are noise. */
  minSide: 3,
  maxCandidates: 1000,
};

/** The whole image at the detector's size: both sides multiples of 32 (its strides), the longer at most 960. */
export function detectorInput(image: RgbaImage): Tensor<'float32'> {
  const scale = Math.min(1, maxDetectorSide / Math.max(image.width, image.height));
  const toStride = (side: number): number => Math.max(32, Math.round((side * scale) / 32) * 32);
  const [width, height] = [toStride(image.width), toStride(image.height)];
  const data = new Float32Array(3 * width * height);
  const whole: Quad = [
    [0, 0],
    [image.width, 0],
    [image.width, image.height],
    [0, image.height],
  ];
  drawQuad(image, whole, width, height, { data, offset: 0, planeWidth: width, planeHeight: height }, imagenet);
  return { dtype: 'float32', dims: [1, 3, height, width], data };
}

/** The text boxes in a probability map [1, 1, h, w], in the image's pixels (`imageWidth` × `imageHeight`). */
export function textBoxes(map: Tensor<'float32'>, imageWidth: number, imageHeight: number): Quad[] {
  const [mapHeight = 0, mapWidth = 0] = map.dims.slice(2);
  const mask = new Uint8Array(map.data.length);
  // A plain loop: Uint8Array.from with a mapping function takes ~100 ms on a 960 × 480 map.
  for (let i = 0; i < mask.length; i++) mask[i] = map.data[i]! > settings.threshold ? 1 : 0;
  const boxes: Quad[] = [];
  for (const outline of regionOutlines(mask, mapWidth, settings.maxCandidates)) {
    const rect = minAreaRect(outline);
    if (Math.min(rect.width, rect.height) < settings.minSide) continue;
    if (meanInside(map.data, mapWidth, mapHeight, rectCorners(rect)) < settings.boxThreshold) continue;
    const grown = unclip(rect, settings.unclipRatio);
    if (Math.min(grown.width, grown.height) < settings.minSide + 2) continue;
    boxes.push(toImage(grown, imageWidth / mapWidth, imageHeight / mapHeight, imageWidth, imageHeight));
  }
  return boxes;
}

/** The mean of the map over the pixels inside the box: how sure the model is that the box is text. */
function meanInside(map: Float32Array, width: number, height: number, box: Quad): number {
  const xs = box.map(([x]) => x);
  const ys = box.map(([, y]) => y);
  const [left, right] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(width - 1, Math.ceil(Math.max(...xs)))];
  const [top, bottom] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(height - 1, Math.ceil(Math.max(...ys)))];
  let [sum, count] = [0, 0];
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      if (!insideQuad(box, [x, y])) continue;
      sum += map[y * width + x]!;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/** The box's corners scaled from the map to the image, rounded and kept inside it, as PaddleOCR reports them. */
function toImage(rect: RotatedRect, scaleX: number, scaleY: number, width: number, height: number): Quad {
  const clamp = (value: number, max: number): number => Math.min(Math.max(Math.round(value), 0), max);
  return rectCorners(rect).map(([x, y]) => [clamp(x * scaleX, width), clamp(y * scaleY, height)]) as Quad;
}
