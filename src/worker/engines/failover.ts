import { messageOf } from '../../shared/errors.js';
import type { Engine } from './engine.js';

/**
 * An engine that runs on `primary` (WebGPU) until its device is lost or one of its runs fails, then
 * moves to the engine `startFallback` makes (WASM) for good, and replays there the run that failed,
 * so that the batch in flight is not lost. `onSwitch` hears why, once.
 */
export function withFallback(
  primary: Engine,
  startFallback: () => Promise<Engine>,
  onSwitch: (reason: string) => void,
): Engine {
  let current = primary;
  let switching: Promise<Engine> | undefined;
  let disposed = false;
  const demote = (reason: string): Promise<Engine> => {
    if (disposed) return Promise.reject(new Error('the model was disposed'));
    switching ??= startFallback().then((fallback) => {
      current = fallback;
      onSwitch(reason);
      primary.dispose().catch(() => undefined); // its device may be gone already
      return fallback;
    });
    return switching;
  };
  primary.lost?.then((reason) => demote(reason)).catch(() => undefined);
  return {
    inputs: primary.inputs,
    outputs: primary.outputs,
    async run(feeds) {
      if (switching !== undefined) return (await switching).run(feeds);
      try {
        return await primary.run(feeds);
      } catch (error) {
        const message = messageOf(error);
        return (await demote(`a WebGPU run failed (${message})`)).run(feeds);
      }
    },
    async dispose() {
      disposed = true;
      await (switching === undefined ? primary.dispose() : (await switching).dispose());
    },
    stats: () => current.stats?.() ?? {},
    loseDeviceForTesting: () => primary.loseDeviceForTesting?.(),
  };
}
