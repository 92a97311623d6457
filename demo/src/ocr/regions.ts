// The connected regions of a binary map, the JavaScript stand-in for OpenCV's findContours in DB
// post-processing: what the detector needs of a region is its convex hull, so each region is reported
// by the outermost pixels of each of its rows, which have the same hull as the whole region.
import type { Point } from './types.js';

/**
 * The 8-connected regions of the pixels set in `mask` (row-major, `width` wide), in the order their
 * first pixels appear, at most `limit` of them. Pixel (x, y) is the point [x, y], as OpenCV's contours.
 */
export function regionOutlines(mask: Uint8Array, width: number, limit: number): Point[][] {
  const seen = new Uint8Array(mask.length);
  const outlines: Point[][] = [];
  for (let start = 0; start < mask.length && outlines.length < limit; start++) {
    if (mask[start] && !seen[start]) outlines.push(floodRowExtremes(mask, seen, width, start));
  }
  return outlines;
}

/** Visits the region holding `start` (marking it in `seen`) and returns each row's leftmost and rightmost pixel. */
function floodRowExtremes(mask: Uint8Array, seen: Uint8Array, width: number, start: number): Point[] {
  const height = mask.length / width;
  const rows = new Map<number, Point>(); // y -> [min x, max x]
  const stack = [start];
  seen[start] = 1;
  while (stack.length > 0) {
    const index = stack.pop()!;
    const [x, y] = [index % width, Math.floor(index / width)];
    const row = rows.get(y);
    if (row === undefined) rows.set(y, [x, x]);
    else rows.set(y, [Math.min(row[0], x), Math.max(row[1], x)]);
    for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
      for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
        const next = ny * width + nx;
        if (mask[next] && !seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
  }
  return [...rows].flatMap(([y, [left, right]]): Point[] => [
    [left, y],
    [right, y],
  ]);
}
