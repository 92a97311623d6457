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
    ...(lost && { device: { lost, loseForTesting: () => undefined, liveBuffersForTesting: () => 0 } }),
  };
  return engine;
}

describe('withFallback over an ordered list of backends', () => {
  it('returns the engine as it is when there is nowhere to go', () => {
    const engine = fakeEngine('wasm');
    expect(
      withFallback(
        engine,
        'wasm',
        [],
        () => Promise.reject(new Error('unused')),
        () => undefined,
      ),
    ).toBe(engine);
  });

  it('moves to the next backend when a run fails, replays that run there, and says why once', async () => {
    const started: Backend[] = [];
    const changes: BackendChange[] = [];
    const primary = fakeEngine('webgpu', true);
    const engine = withFallback(
      primary,
      'webgpu',
      ['wasm'],
      async (backend) => {
        started.push(backend);
        return fakeEngine(backend);
      },
      (c) => changes.push(c),
    );
    expect((await engine.run(feeds)).y?.data).toEqual(new Float32Array([4]));
    await engine.run(feeds);
    expect(started).toEqual(['wasm']);
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: 'a WebGPU run failed (webgpu broke)' }]);
    expect(primary.disposed).toBe(true);
  });

  it('walks the rest of the list when the fallback fails too', async () => {
    const changes: BackendChange[] = [];
    const startOn = async (backend: Backend) => fakeEngine(backend, backend === 'wasm');
    const engine = withFallback(fakeEngine('webgpu', true), 'webgpu', ['wasm', 'webnn'], startOn, (c) =>
      changes.push(c),
    );
    expect((await engine.run(feeds)).y?.data).toEqual(new Float32Array([5]));
    expect(changes.map(({ from, to }) => `${from}->${to}`)).toEqual(['webgpu->wasm', 'wasm->webnn']);
  });

  it('moves when the engine says its device was lost', async () => {
    const changes: BackendChange[] = [];
    let lose: (reason: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => (lose = resolve));
    withFallback(
      fakeEngine('webgpu', false, lost),
      'webgpu',
      ['wasm'],
      async (backend) => fakeEngine(backend),
      (c) => changes.push(c),
    );
    lose('the WebGPU device was lost (destroyed)');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: 'the WebGPU device was lost (destroyed)' }]);
  });
});

const feedsOf = (v: number): Tensors => ({ x: { dtype: 'float32', dims: [1], data: new Float32Array([v]) } });

/** An engine that answers with its own name, or throws `failWith`; `lose()` settles its `lost`. */
function stubEngine(name: string, failWith?: string) {
  let lose = (_reason: string): void => undefined;
  const ran: Tensors[] = [];
  const state = { disposed: false };
  const engine: Engine = {
    inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
    device: {
      lost: new Promise<string>((resolve) => (lose = resolve)),
      loseForTesting: () => undefined,
      liveBuffersForTesting: () => 0,
    },
    async run(input) {
      ran.push(input);
      if (failWith !== undefined) throw new Error(failWith);
      return { by: { dtype: 'float32', dims: [1], data: new Float32Array([name === 'webgpu' ? 1 : 2]) } };
    },
    async dispose() {
      state.disposed = true;
    },
    stats: () => ({ engineTensors: name === 'webgpu' ? 10 : 20 }),
  };
  return { engine, ran, state, lose: (reason: string) => lose(reason) };
}

const byWasm = { by: { dtype: 'float32', dims: [1], data: new Float32Array([2]) } };

function setup(primaryFails?: string) {
  const primary = stubEngine('webgpu', primaryFails);
  const fallback = stubEngine('wasm');
  const switches: string[] = [];
  let starts = 0;
  const startFallback = async () => {
    starts += 1;
    return fallback.engine;
  };
  const engine = withFallback(primary.engine, 'webgpu', ['wasm'], startFallback, (change) =>
    switches.push(change.reason),
  );
  return { primary, fallback, engine, switches, starts: () => starts };
}

describe('withFallback from WebGPU to WASM', () => {
  it('replays a run that failed on the primary on the fallback, so the caller still gets a result, and says why once', async () => {
    const { primary, fallback, engine, switches, starts } = setup('GPU validation error');
    const input = feedsOf(7);
    await expect(engine.run(input)).resolves.toEqual(byWasm);
    expect(primary.ran).toEqual([input]);
    expect(fallback.ran).toEqual([input]);
    expect(switches).toEqual(['a WebGPU run failed (GPU validation error)']);
    expect(starts()).toBe(1);
  });

  it('stays on the fallback for good once it moved, and disposes the primary', async () => {
    const { primary, fallback, engine, switches } = setup('GPU validation error');
    await engine.run(feedsOf(1));
    await expect(engine.run(feedsOf(2))).resolves.toEqual(byWasm);
    expect(primary.ran).toHaveLength(1);
    expect(fallback.ran).toHaveLength(2);
    expect(primary.state.disposed).toBe(true);
    expect(switches).toHaveLength(1);
    expect(engine.stats?.()).toEqual({ engineTensors: 20 });
  });

  it('starts the fallback once when several runs fail together', async () => {
    const { engine, switches, starts } = setup('device hung');
    await expect(
      Promise.all([engine.run(feedsOf(1)), engine.run(feedsOf(2)), engine.run(feedsOf(3))]),
    ).resolves.toEqual([byWasm, byWasm, byWasm]);
    expect(starts()).toBe(1);
    expect(switches).toHaveLength(1);
  });

  it('moves to the fallback when the GPU device is lost, before any run fails, with the loss as the reason', async () => {
    const { primary, fallback, engine, switches } = setup();
    primary.lose('device destroyed');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(switches).toEqual(['device destroyed']);
    await expect(engine.run(feedsOf(1))).resolves.toEqual(byWasm);
    expect(primary.ran).toEqual([]);
    expect(fallback.ran).toHaveLength(1);
  });

  it('runs on the primary while it works, and never starts the fallback', async () => {
    const { primary, engine, starts } = setup();
    await expect(engine.run(feedsOf(1))).resolves.toEqual({
      by: { dtype: 'float32', dims: [1], data: new Float32Array([1]) },
    });
    expect(primary.ran).toHaveLength(1);
    expect(starts()).toBe(0);
  });

  it('does not start the fallback for a device lost after dispose, and disposes the engine in use', async () => {
    const { primary, fallback, engine, starts } = setup();
    await engine.dispose();
    expect(primary.state.disposed).toBe(true);
    primary.lose('device destroyed');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(starts()).toBe(0);
    expect(fallback.state.disposed).toBe(false);
  });

  it('disposes the fallback, not the primary again, once it has moved', async () => {
    const { primary, fallback, engine } = setup('GPU validation error');
    await engine.run(feedsOf(1));
    primary.state.disposed = false;
    await engine.dispose();
    expect(fallback.state.disposed).toBe(true);
    expect(primary.state.disposed).toBe(false);
  });
});
