// The plane geometry of DB text detection: the convex hull of a region, its minimum-area rotated
// rectangle (what OpenCV's minAreaRect gives PaddleOCR), and the "unclip" that grows a box back out.
import type { Point, Quad } from './types.js';

/** A rectangle at any angle: `axis` is the unit vector along its width. */
export interface RotatedRect {
  center: Point;
  axis: Point;
  width: number;
  height: number;
}

const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** The convex hull, counter-clockwise (in y-up terms), by Andrew's monotone chain; collinear points dropped. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const half = (from: Point[]): Point[] => {
    const chain: Point[] = [];
    for (const point of from) {
      while (chain.length >= 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, point) <= 0) chain.pop();
      chain.push(point);
    }
    chain.pop(); // it starts the other half
    return chain;
  };
  return [...half(sorted), ...half(sorted.reverse())];
}

/**
 * The smallest-area rectangle around the points. One side of it lies along an edge of the convex hull,
 * so trying each edge's direction is enough (rotating calipers, here in its plain quadratic form: text
 * regions have hulls of tens of points).
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  const first = hull[0] ?? [0, 0];
  let best: RotatedRect = { center: first, axis: [1, 0], width: 0, height: 0 };
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const from = hull[i]!;
    const to = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(to[0] - from[0], to[1] - from[1]);
    if (length === 0) continue;
    const rect = boundsAlong(hull, [(to[0] - from[0]) / length, (to[1] - from[1]) / length]);
    if (rect.width * rect.height < bestArea) {
      best = rect;
      bestArea = rect.width * rect.height;
    }
  }
  return best;
}

/** The rectangle around the points with its width along `axis`. */
function boundsAlong(points: readonly Point[], axis: Point): RotatedRect {
  const normal: Point = [-axis[1], axis[0]];
  let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of points) {
    const u = x * axis[0] + y * axis[1];
    const v = x * normal[0] + y * normal[1];
    [minU, maxU, minV, maxV] = [Math.min(minU, u), Math.max(maxU, u), Math.min(minV, v), Math.max(maxV, v)];
  }
  const [u, v] = [(minU + maxU) / 2, (minV + maxV) / 2];
  const center: Point = [u * axis[0] + v * normal[0], u * axis[1] + v * normal[1]];
  return { center, axis, width: maxU - minU, height: maxV - minV };
}

/**
 * The rectangle pushed out by the DB "unclip" distance, area × ratio / perimeter. PaddleOCR offsets the
 * box polygon with rounded joins (pyclipper) and takes the min-area rectangle of the result; for a
 * rectangle that is exactly the rectangle grown by the distance on every side.
 */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  if (perimeter === 0) return rect;
  const distance = (rect.width * rect.height * ratio) / perimeter;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/** The corners in reading order, chosen as PaddleOCR's get_mini_boxes does: the two leftmost make the left side. */
export function rectCorners(rect: RotatedRect): Quad {
  const { center, axis, width, height } = rect;
  const along: Point = [(axis[0] * width) / 2, (axis[1] * width) / 2];
  const across: Point = [(-axis[1] * height) / 2, (axis[0] * height) / 2];
  const corner = (a: number, b: number): Point => [
    center[0] + a * along[0] + b * across[0],
    center[1] + a * along[1] + b * across[1],
  ];
  return orderCorners([corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)]);
}

function orderCorners(corners: Point[]): Quad {
  const [a, b, c, d] = [...corners].sort((p, q) => p[0] - q[0]) as Quad;
  const [topLeft, bottomLeft] = a[1] <= b[1] ? [a, b] : [b, a];
  const [topRight, bottomRight] = c[1] <= d[1] ? [c, d] : [d, c];
  return [topLeft, topRight, bottomRight, bottomLeft];
}

/** Whether the point lies inside the convex quad (on an edge counts), whichever way round its corners go. */
export function insideQuad(quad: Quad, point: Point): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const side = cross(quad[i]!, quad[(i + 1) % 4]!, point);
    if (side === 0) continue;
    if (sign !== 0 && Math.sign(side) !== sign) return false;
    sign = Math.sign(side);
  }
  return true;
}

export const distance = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
