// The shapes the OCR pipeline takes and returns. Plain data only: the pipeline runs in a Web Worker
// (and in Node for the tests), so nothing here refers to the DOM or to a runtime.
import type { Tensors } from '../../../src/index.js';

/** Runs one model: named input tensors in, named output tensors out. */
export type RunModel = (feeds: Tensors) => Promise<Tensors>;

/** The three PaddleOCR models: text detection, 180° direction classification, line recognition. */
export interface OcrModels {
  det: RunModel;
  cls: RunModel;
  rec: RunModel;
}

/** An image as ImageData holds it: RGBA bytes, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type Point = [number, number];

/** Four corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export interface OcrLine {
  text: string;
  /** The mean probability of the characters read, 0 to 1. */
  confidence: number;
  /** The line's four corners in image pixels, top-left first, clockwise. */
  box: Point[];
}

export interface OcrResult {
  /** Top to bottom, then left to right. */
  lines: OcrLine[];
  /** Milliseconds (performance.now()) spent detecting, finding boxes, classifying and recognizing. */
  timings: { det: number; boxes: number; cls: number; rec: number };
}
