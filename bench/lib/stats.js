// Small statistics helpers shared by the bench pages and the demo's Benchmark panel.

/** @param {readonly number[]} values @param {number} q in [0, 1] */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = /** @type {number} */ (sorted[low]);
  const b = /** @type {number} */ (sorted[high]);
  return a + (b - a) * (position - low);
}

/** @param {readonly number[]} values */
export const median = (values) => quantile(values, 0.5);

/**
 * Median with the spread around it (p10/p90) and the sample count: what the bench reports.
 * @param {readonly number[]} values
 */
export function summarize(values) {
  return {
    median: round(median(values)),
    p10: round(quantile(values, 0.1)),
    p90: round(quantile(values, 0.9)),
    min: round(values.length === 0 ? NaN : Math.min(...values)),
    n: values.length,
  };
}

/** Rounds to 4 significant decimals in ms (0.1 µs), enough for JSON a person reads. @param {number} x */
export const round = (x) => Math.round(x * 1e4) / 1e4;
