// Measurement procedures shared by the bench pages (npm run bench) and the demo's Benchmark panel.
// Every comparison runs in one page, interleaved, so that noise from the machine hits all sides alike.

/**
 * @typedef {{ inner?: number } | void} CallResult  `inner`: time measured inside the worker, if known
 * @typedef {{ name: string, prepare: () => any, call: (prepared: any) => Promise<CallResult> }} Runner
 */

const now = () => performance.now();

/**
 * Per-call latency, sequential calls, runners interleaved call by call (A B B A A B…, so that neither
 * side always follows the other). Inputs are made before the clock starts.
 * @param {readonly Runner[]} runners
 * @param {{ reps: number, warmup?: number, onProgress?: (done: number) => void }} options
 * @returns {Promise<Record<string, { ms: number[], inner: number[] }>>}
 */
export async function interleavedLatency(runners, { reps, warmup = 20, onProgress }) {
  /** @type {Record<string, { ms: number[], inner: number[] }>} */
  const samples = Object.fromEntries(runners.map((r) => [r.name, { ms: [], inner: [] }]));
  for (let i = 0; i < warmup; i++) for (const runner of runners) await runner.call(runner.prepare());
  const reversed = [...runners].reverse();
  for (let i = 0; i < reps; i++) {
    for (const runner of i % 2 === 0 ? runners : reversed) {
      const prepared = runner.prepare();
      const start = now();
      const result = await runner.call(prepared);
      const elapsed = now() - start;
      const sample = /** @type {{ ms: number[], inner: number[] }} */ (samples[runner.name]);
      sample.ms.push(elapsed);
      if (result && typeof result.inner === 'number') sample.inner.push(result.inner);
    }
    if (i % 25 === 0) onProgress?.(i);
  }
  return samples;
}

/**
 * Runs `total` calls with at most `concurrency` in flight; resolves with the wall time in ms.
 * Inputs for every call are made before the clock starts.
 * @param {Runner} runner @param {number} total @param {number} concurrency
 */
export async function pooled(runner, total, concurrency) {
  const inputs = Array.from({ length: total }, () => runner.prepare());
  let next = 0;
  const lane = async () => {
    while (next < total) await runner.call(inputs[next++]);
  };
  const start = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return now() - start;
}

/**
 * Throughput rounds, interleaved: each round runs every runner once over `total` calls at its own
 * concurrency. Resolves with ms per round for each runner.
 * @param {readonly { runner: Runner, concurrency: number, label?: string }[]} sides
 * @param {{ total: number, rounds: number, warmup?: number, onProgress?: (done: number) => void }} options
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleavedThroughput(sides, { total, rounds, warmup = 1, onProgress }) {
  const label = (/** @type {typeof sides[number]} */ side) => side.label ?? side.runner.name;
  /** @type {Record<string, number[]>} */
  const ms = Object.fromEntries(sides.map((side) => [label(side), []]));
  for (let i = 0; i < warmup; i++) for (const side of sides) await pooled(side.runner, total, side.concurrency);
  const reversed = [...sides].reverse();
  for (let i = 0; i < rounds; i++) {
    for (const side of i % 2 === 0 ? sides : reversed) {
      ms[label(side)]?.push(await pooled(side.runner, total, side.concurrency));
    }
    onProgress?.(i + 1);
  }
  return ms;
}

/** Calls per second from ms for `total` calls. @param {number} total @param {number} ms */
export const perSecond = (total, ms) => (total * 1000) / ms;
