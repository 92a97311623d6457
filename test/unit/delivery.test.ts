import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { shared } from '../../src/worker/shared.js';
import { Stall } from '../../src/worker/stall.js';
import { wasmContainerProblem } from '../../src/worker/wasm-container.js';

const ortWasm = new Uint8Array(readFileSync(new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url)));

describe('wasmContainerProblem', () => {
  it('accepts a whole binary', () => {
    expect(wasmContainerProblem(ortWasm)).toBeUndefined();
  });

  it('says a binary cut short is truncated', () => {
    expect(wasmContainerProblem(ortWasm.subarray(0, ortWasm.length / 2))).toMatch(/truncated/);
  });

  it('says a JSON error body is no WebAssembly', () => {
    expect(wasmContainerProblem(new TextEncoder().encode('{"error":"quota"}'))).toMatch(/magic number/);
  });
});

describe('shared', () => {
  const never = (signal: AbortSignal) => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

  it('runs the work once for concurrent callers of one key', async () => {
    let starts = 0;
    const work = async () => {
      starts += 1;
      return 'bytes';
    };
    await expect(Promise.all([shared('a', 'x', undefined, work), shared('a', 'x', undefined, work)])).resolves.toEqual(['bytes', 'bytes']);
    expect(starts).toBe(1);
  });

  it('aborts the work only when every caller has been cancelled', async () => {
    const first = new AbortController();
    const second = new AbortController();
    let workSignal: AbortSignal | undefined;
    const start = (signal: AbortSignal) => {
      workSignal = signal;
      return never(signal);
    };
    const a = shared('b', 'x', first.signal, start);
    const b = shared('b', 'x', second.signal, start);
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    expect(workSignal?.aborted).toBe(false);
    second.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(workSignal?.aborted).toBe(true);
  });

  it('forgets a failure, so that the next caller starts again', async () => {
    await expect(shared('c', 'x', undefined, () => Promise.reject(new Error('500')))).rejects.toThrow('500');
    await expect(shared('c', 'x', undefined, async () => 'ok')).resolves.toBe('ok');
  });
});

describe('Stall', () => {
  it('fires after the timeout without progress, and not while progress keeps coming', () => {
    vi.useFakeTimers();
    try {
      const stall = new Stall(40, undefined);
      for (let i = 0; i < 4; i += 1) {
        vi.advanceTimersByTime(30);
        stall.progressed();
      }
      expect(stall.signal.aborted).toBe(false);
      vi.advanceTimersByTime(40);
      expect(stall.stalled).toBe(true);
      expect(stall.signal.aborted).toBe(true);
      stall.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows the outer signal without calling it a stall', () => {
    const outer = new AbortController();
    const stall = new Stall(10_000, outer.signal);
    outer.abort();
    expect(stall.signal.aborted).toBe(true);
    expect(stall.stalled).toBe(false);
    stall.stop();
  });
});
