// A stand-in for a runtime, for Node unit tests of the worker core only (browser specs run real
// engines): y = 2x, row by row, so that results show whether batching kept each caller's rows.
import type { Engine } from '../../../src/worker/engines/engine.js';
import type { LoadEngine } from '../../../src/worker/host.js';
import type { LoadRequest } from '../../../src/shared/protocol.js';
import type { Tensor, Tensors } from '../../../src/shared/types.js';

/** One request of one row, [v, v]. */
export const row = (v: number): Tensors => ({ x: { dtype: 'float32', dims: [1, 2], data: new Float32Array([v, v]) } });

/** What a caller gets for `row(v)`. */
export const doubled = (v: number): Tensors => ({
  y: { dtype: 'float32', dims: [1, 2], data: new Float32Array([2 * v, 2 * v]) },
});

/** A value that makes the engine answer with an output too large to post back (its size faked). */
export const hugeOutput = 999;

export class FakeEngine implements Engine {
  readonly inputs = [{ name: 'x', dtype: 'float32' as const, shape: ['batch', 2] }];
  readonly outputs = [{ name: 'y', dtype: 'float32' as const, shape: ['batch', 2] }];
  /** The first value of each row, per run: [[1], [2, 3]] is a run of row 1, then one of rows 2 and 3. */
  readonly runs: number[][] = [];
  /** While true, each run waits for `release()`. */
  hold = false;
  disposed = false;
  readonly #gates: Array<() => void> = [];

  async run(feeds: Tensors): Promise<Tensors> {
    const x = feeds.x as Tensor;
    const values = Array.from(x.data as Float32Array);
    this.runs.push(values.filter((_, i) => i % 2 === 0));
    if (this.hold) await new Promise<void>((resolve) => this.#gates.push(resolve));
    const data = new Float32Array(values.map((v) => 2 * v));
    // Only the size is checked before the reply is posted: no need to allocate 2 GiB.
    if (values[0] === hugeOutput) Object.defineProperty(data, 'byteLength', { value: 2 ** 31 });
    return { y: { dtype: 'float32', dims: [...x.dims], data } };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  /** Lets the oldest held run finish. */
  release(): void {
    const gate = this.#gates.shift();
    if (gate === undefined) throw new Error('no run is waiting');
    gate();
  }

  get waiting(): number {
    return this.#gates.length;
  }
}

/** An injected loadEngine: each call makes a FakeEngine; with `gated`, a load waits until it is aborted. */
export function fakeLoads(options: { gated?: boolean } = {}) {
  const loads: { request: LoadRequest; signal: AbortSignal; engine: FakeEngine }[] = [];
  const loadEngine: LoadEngine = async (request, _sinks, signal) => {
    const engine = new FakeEngine();
    loads.push({ request, signal, engine });
    if (options.gated === true) {
      await new Promise<void>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    }
    const provenance = {
      modelSha256: 'fake',
      engine: request.engine,
      runtime: 'a fake engine',
      numThreads: 1,
      deterministic: request.deterministic,
    };
    return { engine, choice: { backend: 'wasm', reason: 'a fake engine' }, modelBytes: 0, provenance };
  };
  return { loadEngine, loads };
}

export function loadRequest(loadId: number, overrides: Partial<LoadRequest> = {}): LoadRequest {
  return {
    loadId,
    source: { kind: 'url', url: 'https://example.test/model.onnx' },
    engine: 'onnx',
    backend: 'auto',
    batch: { maxSize: 64, maxDelayMs: 0, dim0: 'trust' },
    probe: { enabled: false, tolerance: 1e-3, softwareAsHardware: false, perturbWebgpu: false },
    deterministic: false,
    numThreads: undefined,
    integrity: {},
    cache: true,
    maxRunMs: undefined,
    stallTimeoutMs: 30_000,
    timeRun: false,
    ...overrides,
  };
}
