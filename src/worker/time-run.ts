import type { Dtype, Tensors } from '../shared/types.js';
import { madeUpFeeds } from './batching/probe-feeds.js';
import type { Engine } from './engines/engine.js';

/** Each input's shape for one row (a symbolic dim 0 taken as 1); undefined if another dim is symbolic. */
function oneRowShapes(engine: Engine): Record<string, { dtype: Dtype; dims: number[] }> | undefined {
  const shapes: Record<string, { dtype: Dtype; dims: number[] }> = {};
  for (const { name, dtype, shape } of engine.inputs) {
    const dims = shape.map((dim, i) => (i === 0 && typeof dim !== 'number' ? 1 : dim));
    if (!dims.every((dim): dim is number => typeof dim === 'number' && dim > 0)) return undefined;
    shapes[name] = { dtype, dims };
  }
  return shapes;
}

/**
 * How long one warm single-row run of `engine` takes (ms), on made-up feeds: the best of two after a
 * warm-up run. Undefined when feeds cannot be made up or the model rejects them: a guess is no
 * measurement. `around` wraps each run (the host's watchdog).
 */
export async function timeOneRow(
  engine: Engine,
  around: (run: () => Promise<Tensors>) => Promise<Tensors>,
): Promise<number | undefined> {
  const shapes = oneRowShapes(engine);
  if (shapes === undefined) return undefined;
  const feeds = madeUpFeeds(shapes);
  try {
    await around(() => engine.run(feeds));
    let best = Infinity;
    for (let i = 0; i < 2; i += 1) {
      const started = performance.now();
      await around(() => engine.run(feeds));
      best = Math.min(best, performance.now() - started);
    }
    return best;
  } catch {
    return undefined;
  }
}
