import { describe, expect, it } from 'vitest';
import { convexHull, minAreaRect, rectCorners, unclip } from '../../demo/src/ocr/geometry.js';
import { inReadingOrder } from '../../demo/src/ocr/reading-order.js';
import { regionOutlines } from '../../demo/src/ocr/regions.js';
import type { Point, Quad } from '../../demo/src/ocr/types.js';

/** The points of a w × h grid, turned by `degrees` about the origin and moved to `center`. */
function rotatedGrid(width: number, height: number, degrees: number, center: Point): Point[] {
  const [cos, sin] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const points: Point[] = [];
  for (let u = -width / 2; u <= width / 2; u += width / 10) {
    for (let v = -height / 2; v <= height / 2; v += height / 4) {
      points.push([center[0] + u * cos - v * sin, center[1] + u * sin + v * cos]);
    }
  }
  return points;
}

const rounded = (quad: Quad): Point[] => quad.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]);

describe('OCR geometry', () => {
  it('the convex hull of a square with points inside is its four corners', () => {
    const hull = convexHull([
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
      [1, 0],
    ]);
    expect(hull).toHaveLength(4);
    expect(hull).toEqual(
      expect.arrayContaining([
        [0, 0],
        [2, 0],
        [2, 2],
        [0, 2],
      ]),
    );
  });

  it('the min-area rectangle of a rectangle turned by 30° is that rectangle', () => {
    const rect = minAreaRect(rotatedGrid(100, 20, 30, [200, 150]));
    expect(Math.max(rect.width, rect.height)).toBeCloseTo(100, 6);
    expect(Math.min(rect.width, rect.height)).toBeCloseTo(20, 6);
    expect(rect.center[0]).toBeCloseTo(200, 6);
    expect(rect.center[1]).toBeCloseTo(150, 6);
    const angle = (Math.atan2(rect.axis[1], rect.axis[0]) * 180) / Math.PI;
    expect([30, -60, 120, -150].some((expected) => Math.abs(angle - expected) < 1e-6)).toBe(true);
  });

  it('names an axis-aligned rectangle top-left, top-right, bottom-right, bottom-left', () => {
    const corners = rectCorners(minAreaRect(rotatedGrid(40, 10, 0, [20, 5])));
    expect(rounded(corners)).toEqual([
      [0, 0],
      [40, 0],
      [40, 10],
      [0, 10],
    ]);
  });

  it('unclip grows a rectangle by area × ratio / perimeter on every side', () => {
    const grown = unclip({ center: [0, 0], axis: [1, 0], width: 100, height: 20 }, 1.5);
    const distance = (100 * 20 * 1.5) / 240;
    expect(grown.width).toBeCloseTo(100 + 2 * distance);
    expect(grown.height).toBeCloseTo(20 + 2 * distance);
  });

  it('finds each 8-connected region once, as the outer pixels of its rows', () => {
    // biome-ignore format: the mask's rows, as the image has them
    const mask = Uint8Array.from([
      1, 1, 0, 0, 0,
      0, 1, 0, 0, 1,
      0, 0, 1, 0, 1,
    ]);
    expect(regionOutlines(mask, 5, 10)).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [1, 1],
        [2, 2],
        [2, 2],
      ],
      [
        [4, 1],
        [4, 1],
        [4, 2],
        [4, 2],
      ],
    ]);
  });

  it('orders boxes top to bottom, and left to right within a line', () => {
    const box = (x: number, y: number): Quad => [
      [x, y],
      [x + 50, y],
      [x + 50, y + 20],
      [x, y + 20],
    ];
    // The right-hand box of the first line sits 3 px higher than the left-hand one.
    expect(inReadingOrder([box(0, 40), box(100, 7), box(0, 10)])).toEqual([box(0, 10), box(100, 7), box(0, 40)]);
  });
});
