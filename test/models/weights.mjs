// Known weights shared by build-models.mjs (which bakes them into the ONNX files)
// and the tests (which compute expected outputs from them in float64).
// The models store these as float32, so expectations must apply Math.fround to
// each weight before using it.

// Rounded to 3 decimals so values are readable in failure messages; sin/cos
// give a deterministic mix of signs and magnitudes (no all-zero rows/columns).
const r3 = (v) => Math.round(v * 1000) / 1000;
const matrix = (rows, cols, f) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => r3(f(i, j))));

/** mlp.onnx: W1 [8][16], b1 [16], W2 [16][4], b2 [4] (row-major, x·W + b). */
export const MLP = {
  inFeatures: 8,
  hidden: 16,
  outFeatures: 4,
  W1: matrix(8, 16, (i, j) => Math.sin(i * 16 + j + 1)),
  b1: Array.from({ length: 16 }, (_, j) => r3(Math.cos(j + 1) * 0.5)),
  W2: matrix(16, 4, (i, j) => Math.sin(i * 4 + j + 100) * 0.5),
  b2: [0.1, -0.2, 0.3, -0.4],
};

/** fixed.onnx: y = x * FIXED_SCALE. */
export const FIXED_SCALE = 2.0;

/** int64_bool.onnx: positive = ids > INT64_THRESHOLD (stored as an int64 scalar). */
export const INT64_THRESHOLD = 0n;

/** slow.onnx adds 1 this many times, one Loop step at a time: y = x + SLOW_TRIPS. */
export const SLOW_TRIPS = 4000;
