import { messageOf } from '../../shared/errors.js';
import type { Backend, BackendChange } from '../../shared/types.js';
import { backendLabel } from './backends.js';
import type { Engine } from './engine.js';

/** How a failover starts the model again on another backend. */
export type StartOn = (backend: Backend) => Promise<Engine>;

/**
 * An engine that runs on `backend` until its device is lost or one of its runs fails, then moves for
 * good to the first of `fallbacks` (itself able to move on to the rest), and replays there the run
 * that failed, so that the batch in flight is not lost. `onSwitch` hears each move, once. With no
 * fallbacks, the engine is returned as it is.
 */
export function withFallback(
  primary: Engine,
  backend: Backend,
  fallbacks: readonly Backend[],
  startOn: StartOn,
  onSwitch: (change: BackendChange) => void,
): Engine {
  const [next, ...rest] = fallbacks;
  if (next === undefined) return primary;
  let current = primary;
  let switching: Promise<Engine> | undefined;
  let disposed = false;
  const demote = (reason: string): Promise<Engine> => {
    if (disposed) return Promise.reject(new Error('the model was disposed'));
    switching ??= startOn(next).then((started) => {
      const fallback = withFallback(started, next, rest, startOn, onSwitch);
      current = fallback;
      onSwitch({ from: backend, to: next, reason });
      primary.dispose().catch(() => undefined); // its device may be gone already
      return fallback;
    });
    return switching;
  };
  primary.device?.lost.then((reason) => demote(reason)).catch(() => undefined);
  // A run on the primary that fails moves the model and is replayed on the fallback.
  const attempt = async <T>(call: (engine: Engine) => Promise<T>): Promise<T> => {
    if (switching !== undefined) return call(await switching);
    try {
      return await call(primary);
    } catch (error) {
      const message = messageOf(error);
      return call(await demote(`a ${backendLabel(backend)} run failed (${message})`));
    }
  };
  return {
    inputs: primary.inputs,
    outputs: primary.outputs,
    run: (feeds) => attempt((engine) => engine.run(feeds)),
    // Fallbacks are the same engine on another backend: what the primary can run, they can.
    ...(primary.runResident && {
      runResident: (feeds, keep) =>
        attempt((engine) => (engine.runResident as NonNullable<Engine['runResident']>)(feeds, keep)),
    }),
    async dispose() {
      disposed = true;
      await (switching === undefined ? primary.dispose() : (await switching).dispose());
    },
    stats: () => current.stats?.() ?? {},
    device: primary.device,
  };
}
