import { describe, expect, it } from 'vitest';
import type { Backend, BackendChange, Tensors } from '../../src/shared/types.js';
import type { Engine } from '../../src/worker/engines/engine.js';
import { withFallback } from '../../src/worker/engines/failover.js';

const feeds: Tensors = { x: { dtype: 'float32', dims: [1], data: new Float32Array([1]) } };

/** A fake engine that answers with its backend's name, or fails every run. */
function fakeEngine(backend: Backend, fails = false, lost?: Promise<string>): Engine & { disposed: boolean } {
  const engine = {
    inputs: [],
    outputs: [],
    disposed: false,
    run: async (): Promise<Tensors> => {
      if (fails) throw new Error(`${backend} broke`);
      return { y: { dtype: 'float32', dims: [1], data: new Float32Array([backend.length]) } };
    },
    dispose: async () => {
      engine.disposed = true;
    },
    ...(lost && { device: { lost, loseForTesting: () => undefined } }),
  };
  return engine;
}

describe('withFallback over an ordered list of backends', () => {
  it('returns the engine as it is when there is nowhere to go', () => {
    const engine = fakeEngine('wasm');
    expect(withFallback(engine, 'wasm', [], () => Promise.reject(new Error('unused')), () => undefined)).toBe(engine);
  });

  it('moves to the next backend when a run fails, replays that run there, and says why once', async () => {
    const started: Backend[] = [];
    const changes: BackendChange[] = [];
    const primary = fakeEngine('webgpu', true);
    const engine = withFallback(primary, 'webgpu', ['wasm'], async (backend) => (started.push(backend), fakeEngine(backend)), (c) => changes.push(c));
    expect((await engine.run(feeds)).y?.data).toEqual(new Float32Array([4]));
    await engine.run(feeds);
    expect(started).toEqual(['wasm']);
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: 'a WebGPU run failed (webgpu broke)' }]);
    expect(primary.disposed).toBe(true);
  });

  it('walks the rest of the list when the fallback fails too', async () => {
    const changes: BackendChange[] = [];
    const startOn = async (backend: Backend) => fakeEngine(backend, backend === 'wasm');
    const engine = withFallback(fakeEngine('webgpu', true), 'webgpu', ['wasm', 'webnn'], startOn, (c) => changes.push(c));
    expect((await engine.run(feeds)).y?.data).toEqual(new Float32Array([5]));
    expect(changes.map(({ from, to }) => `${from}->${to}`)).toEqual(['webgpu->wasm', 'wasm->webnn']);
  });

  it('moves when the engine says its device was lost', async () => {
    const changes: BackendChange[] = [];
    let lose: (reason: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => (lose = resolve));
    withFallback(fakeEngine('webgpu', false, lost), 'webgpu', ['wasm'], async (backend) => fakeEngine(backend), (c) => changes.push(c));
    lose('the WebGPU device was lost (destroyed)');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: 'the WebGPU device was lost (destroyed)' }]);
  });
});
