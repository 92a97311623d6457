import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { SharedWork } from '../../src/worker/shared-work.js';
import { Stall } from '../../src/worker/delivery/stall.js';
import { wasmContainerProblem } from '../../src/worker/delivery/wasm-container.js';

const ortWasm = new Uint8Array(
  readFileSync(new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url)),
);

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

describe('SharedWork', () => {
  const never = (signal: AbortSignal) =>
    new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

  it('runs the work once, and every caller gets its result', async () => {
    let starts = 0;
    const work = new SharedWork<string, () => void>(async () => {
      starts += 1;
      return 'bytes';
    });
    await expect(
      Promise.all([work.join(() => undefined, undefined, 'x'), work.join(() => undefined, undefined, 'x')]),
    ).resolves.toEqual(['bytes', 'bytes']);
    expect(starts).toBe(1);
  });

  it('tells every caller still waiting, and only those, what the work reports', async () => {
    let report = (_: string): void => undefined;
    let finish = (): void => undefined;
    const work = new SharedWork<void, (event: string) => void>((listeners) => {
      report = (event) => listeners.forEach((listener) => listener(event));
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const heard: string[][] = [[], []];
    const leaving = new AbortController();
    const first = work.join((event) => heard[0]!.push(event), leaving.signal, 'x').catch(() => 'left');
    const second = work.join((event) => heard[1]!.push(event), undefined, 'x');
    report('10%');
    leaving.abort();
    await first;
    report('90%');
    finish();
    await second;
    expect(heard).toEqual([['10%'], ['10%', '90%']]);
  });

  it('rejects a cancelled caller at once, and aborts the work only when every caller has been cancelled', async () => {
    const first = new AbortController();
    const second = new AbortController();
    let workSignal: AbortSignal | undefined;
    const work = new SharedWork<string, () => void>((_, signal) => {
      workSignal = signal;
      return never(signal);
    });
    const a = work.join(() => undefined, first.signal, 'the download of m.onnx');
    const b = work.join(() => undefined, second.signal, 'the download of m.onnx');
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError', message: 'the download of m.onnx was cancelled' });
    expect(workSignal?.aborted).toBe(false);
    second.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(workSignal?.aborted).toBe(true);
    expect(work.abandoned).toBe(true);
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
