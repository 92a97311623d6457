// Draws a quadrilateral of an RGBA image, straightened, into one [3, H, W] slot of a float tensor: the
// one image operation OCR needs, used for the detector's whole-image resize and for each line crop.
import type { Point, Quad, RgbaImage } from './types.js';

/** Applied to each value v/255 as (v/255 − mean) / std, per tensor channel. */
export interface Normalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Where one image goes in a batch tensor [n, 3, planeHeight, planeWidth]: its row starts at `offset`. */
export interface TensorSlot {
  data: Float32Array;
  offset: number;
  planeWidth: number;
  planeHeight: number;
}

// PaddleOCR's models were trained on OpenCV's BGR images: tensor channel 0 is blue.
const rgbaIndexOfChannel: readonly number[] = [2, 1, 0];

// More than 4×4 samples a pixel buys little: text crops and the detector's input are rarely shrunk further.
const maxSamplesPerAxis = 4;

/**
 * Fills the top-left `width` × `height` of the slot with the quad's content (its top-left corner at
 * the slot's top-left), bilinear, averaging several samples a pixel where the quad is shrunk so that
 * thin strokes are not lost. Pixels outside the image repeat its edge, as PaddleOCR's crops do.
 */
export function drawQuad(
  image: RgbaImage,
  quad: Quad,
  width: number,
  height: number,
  slot: TensorSlot,
  normalization: Normalization,
): void {
  const [topLeft, topRight, bottomRight, bottomLeft] = quad;
  const samplesX = samplesPerPixel(Math.max(span(topLeft, topRight), span(bottomLeft, bottomRight)), width);
  const samplesY = samplesPerPixel(Math.max(span(topLeft, bottomLeft), span(topRight, bottomRight)), height);
  const plane = slot.planeWidth * slot.planeHeight;
  const sum = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      sum.fill(0);
      for (let j = 0; j < samplesY; j++) {
        const v = (y + (j + 0.5) / samplesY) / height;
        for (let i = 0; i < samplesX; i++) {
          const u = (x + (i + 0.5) / samplesX) / width;
          addBilinear(image, pointInQuad(quad, u, v), sum);
        }
      }
      const at = slot.offset + y * slot.planeWidth + x;
      for (let c = 0; c < 3; c++) {
        const value = sum[rgbaIndexOfChannel[c]!]! / (samplesX * samplesY * 255);
        slot.data[at + c * plane] = (value - normalization.mean[c]!) / normalization.std[c]!;
      }
    }
  }
}

const span = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

const samplesPerPixel = (source: number, target: number): number =>
  Math.min(maxSamplesPerAxis, Math.max(1, Math.ceil(source / target)));

/** The point at (u, v) ∈ [0, 1]² of the quad, bilinearly between its corners (exact for parallelograms). */
function pointInQuad([topLeft, topRight, bottomRight, bottomLeft]: Quad, u: number, v: number): Point {
  const top: Point = [topLeft[0] + u * (topRight[0] - topLeft[0]), topLeft[1] + u * (topRight[1] - topLeft[1])];
  const bottom: Point = [
    bottomLeft[0] + u * (bottomRight[0] - bottomLeft[0]),
    bottomLeft[1] + u * (bottomRight[1] - bottomLeft[1]),
  ];
  return [top[0] + v * (bottom[0] - top[0]), top[1] + v * (bottom[1] - top[1])];
}

/** Adds the RGB at image point (x, y) to `sum`; pixel centres sit at half-integers. */
function addBilinear(image: RgbaImage, [x, y]: Point, sum: number[]): void {
  const fx = Math.min(Math.max(x - 0.5, 0), image.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), image.height - 1);
  const [x0, y0] = [Math.floor(fx), Math.floor(fy)];
  const [x1, y1] = [Math.min(x0 + 1, image.width - 1), Math.min(y0 + 1, image.height - 1)];
  const [wx, wy] = [fx - x0, fy - y0];
  const { data, width } = image;
  for (let c = 0; c < 3; c++) {
    const top = data[4 * (y0 * width + x0) + c]! * (1 - wx) + data[4 * (y0 * width + x1) + c]! * wx;
    const bottom = data[4 * (y1 * width + x0) + c]! * (1 - wx) + data[4 * (y1 * width + x1) + c]! * wx;
    sum[c]! += top * (1 - wy) + bottom * wy;
  }
}
