import type { RowShapes } from '../shared/protocol.js';
import type { TensorInfo } from '../shared/types.js';

/** Each input's shape for one row (a symbolic dim 0 taken as 1); undefined if another dim is symbolic. */
export function oneRowShapes(inputs: readonly TensorInfo[]): RowShapes | undefined {
  const shapes: RowShapes = {};
  for (const { name, dtype, shape } of inputs) {
    const dims = shape.map((dim, i) => (i === 0 && typeof dim !== 'number' ? 1 : dim));
    if (!dims.every((dim): dim is number => typeof dim === 'number' && dim > 0)) return undefined;
    shapes[name] = { dtype, dims };
  }
  return shapes;
}

/**
 * The fastest of two warm runs (ms), after a warm-up run; `runOnce` runs once and says how long the
 * engine took. Undefined when a run fails (made-up feeds the model rejects): a guess is no measurement.
 */
export async function fastestRun(runOnce: () => Promise<number>): Promise<number | undefined> {
  try {
    await runOnce();
    return Math.min(await runOnce(), await runOnce());
  } catch {
    return undefined;
  }
}

/** Times `run` (ms). */
export async function timeOf(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}
