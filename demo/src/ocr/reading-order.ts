// Reading order for detected lines: top to bottom, and left to right among boxes on the same line.
import type { Quad } from './types.js';

/**
 * The boxes sorted by their top-left corners, top first, then (PaddleOCR's sorted_boxes) boxes whose
 * tops are within half a line of each other put left to right. The tolerance scales with the text,
 * where PaddleOCR's is a fixed 10 px.
 */
export function inReadingOrder(boxes: readonly Quad[]): Quad[] {
  const sorted = [...boxes].sort((a, b) => a[0][1] - b[0][1] || a[0][0] - b[0][0]);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && onSameLineLeftOf(sorted[j]!, sorted[j - 1]!); j--) {
      [sorted[j - 1], sorted[j]] = [sorted[j]!, sorted[j - 1]!];
    }
  }
  return sorted;
}

function onSameLineLeftOf(box: Quad, before: Quad): boolean {
  const halfLine = Math.min(lineHeight(box), lineHeight(before)) / 2;
  return Math.abs(box[0][1] - before[0][1]) < halfLine && box[0][0] < before[0][0];
}

const lineHeight = ([topLeft, , , bottomLeft]: Quad): number => Math.abs(bottomLeft[1] - topLeft[1]);
