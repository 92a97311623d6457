/** Recent runs kept per size class: enough for a median that one noisy run cannot sway. */
const window = 5;
/** Runs needed in a size class before its cost is trusted. */
const trusted = 3;
/** A larger class must cost at most this much more per row than the best so far to be explored further. */
const slack = 1.1;
/** How often (in runs) the class above the best is tried again, in case the costs changed. */
const recheckEvery = 64;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Learns, from measured run times, which batch sizes pay off for this model on this backend, like a
 * serving system's preferred batch sizes: it climbs the sizes 1, 2, 4, … up to maxSize while the
 * time per row keeps falling, and caps batches at the cheapest size. Coalescing is not always a win
 * (on WASM a convolutional model can run slower per sample in a big batch), and this never keeps
 * forming batches that are slower per row than running their requests apart.
 */
export class BatchTuner {
  readonly #classes: number[];
  readonly #costs = new Map<number, number[]>();
  #runs = 0;

  constructor(maxSize: number) {
    const classes = [];
    for (let size = 1; size < maxSize; size *= 2) classes.push(size);
    this.#classes = [...classes, maxSize];
  }

  /** Records one run of `rows` rows that took `ms`. */
  record(rows: number, ms: number): void {
    if (rows < 1) return;
    this.#runs += 1;
    const size = this.#classOf(rows);
    const costs = this.#costs.get(size) ?? [];
    costs.push(ms / rows);
    if (costs.length > window) costs.shift();
    this.#costs.set(size, costs);
  }

  /**
   * Rows the next run should reach, given that its first request alone has `headRows` rows. Size
   * classes below the one such a run lands in cannot be measured (with 2-row requests no run has 1
   * row): they are passed over, or the tuner would wait forever to measure them and never coalesce.
   */
  limit(headRows = 1): number {
    const reachable = this.#classOf(headRows);
    let best: { size: number; cost: number } | undefined;
    for (const size of this.#classes) {
      if (size < reachable) continue;
      const costs = this.#costs.get(size) ?? [];
      if (costs.length < trusted) return size; // not measured enough yet: allow up to it
      const cost = median(costs);
      if (best !== undefined && cost > best.cost * slack) break; // larger batches stopped paying off
      if (best === undefined || cost < best.cost) best = { size, cost };
    }
    const chosen = (best as { size: number }).size;
    const above = this.#classes[this.#classes.indexOf(chosen) + 1];
    return above !== undefined && this.#runs % recheckEvery === 0 ? above : chosen;
  }

  /** The largest size class that a run of `rows` rows reaches. */
  #classOf(rows: number): number {
    return this.#classes.filter((c) => c <= rows).pop() ?? (this.#classes[0] as number);
  }
}
