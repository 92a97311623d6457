import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchTuner } from '../../src/worker/batching/batch-tuner.js';
import { Batcher, type BatcherOptions } from '../../src/worker/batching/batcher.js';
import { nextTask } from '../../src/worker/batching/next-task.js';

/**
 * Lets the batcher do all it can now. The batchers here schedule the dispatch after a run as a
 * microtask, so one macrotask (setImmediate, never faked here) sees every continuation through.
 */
const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A fake engine: records the requests of each run, and holds each run until `release()` is called
 * (or not at all once `hold` is false). A request below zero makes any run that contains it throw.
 */
class FakeEngine {
  readonly runCalls: number[][] = [];
  hold = true;
  readonly #gates: Array<() => void> = [];

  readonly run = async (requests: number[]): Promise<string[]> => {
    this.runCalls.push([...requests]);
    if (this.hold) await new Promise<void>((resolve) => this.#gates.push(resolve));
    const bad = requests.find((r) => r < 0);
    if (bad !== undefined) throw new Error(`engine rejected request ${bad}`);
    return requests.map((r) => `result of ${r}`);
  };

  get waiting(): number {
    return this.#gates.length;
  }

  /** Lets the oldest held run finish, then lets what follows from it happen. */
  async release(): Promise<void> {
    const gate = this.#gates.shift();
    if (gate === undefined) throw new Error('no run is waiting');
    gate();
    await settle();
  }
}

function setup(options: Partial<BatcherOptions<number>> = {}) {
  const engine = new FakeEngine();
  const batcher = new Batcher<number, string>(engine.run, {
    maxSize: 64,
    maxDelayMs: 0,
    sizeOf: () => 1,
    keyOf: () => 'model',
    scheduleAfterRun: queueMicrotask,
    ...options,
  });
  return { engine, batcher };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Batcher', () => {
  it('runs a request to an idle batcher alone, then takes everything that arrived meanwhile in one run', async () => {
    const { engine, batcher } = setup();
    const first = batcher.push(1);
    await settle();
    expect(engine.runCalls).toEqual([[1]]);

    const rest = [2, 3, 4].map((r) => batcher.push(r));
    await settle();
    expect(engine.runCalls).toEqual([[1]]);

    await engine.release();
    expect(engine.runCalls).toEqual([[1], [2, 3, 4]]);
    await engine.release();
    await expect(first).resolves.toBe('result of 1');
    await expect(Promise.all(rest)).resolves.toEqual(['result of 2', 'result of 3', 'result of 4']);
  });

  it('runs requests pushed in the same synchronous tick together, after that tick', async () => {
    const { engine, batcher } = setup();
    const results = [1, 2, 3].map((r) => batcher.push(r));
    expect(engine.runCalls).toEqual([]);
    await settle();
    expect(engine.runCalls).toEqual([[1, 2, 3]]);
    await engine.release();
    await expect(Promise.all(results)).resolves.toEqual(['result of 1', 'result of 2', 'result of 3']);
  });

  it('after a run, receives the requests already waiting in the task queue before it runs again', async () => {
    // The default schedule (nextTask), as in the worker.
    const engine = new FakeEngine();
    const batcher = new Batcher<number, string>(engine.run, {
      maxSize: 64,
      maxDelayMs: 0,
      sizeOf: () => 1,
      keyOf: () => 'model',
    });
    engine.hold = false;
    const first = batcher.push(1);
    // Messages that reached the worker while run 1 blocked it: tasks queued before the run ended.
    const later = [2, 3].map((r) => new Promise<string>((resolve) => nextTask(() => resolve(batcher.push(r)))));
    await Promise.all([first, ...later]);
    expect(engine.runCalls).toEqual([[1], [2, 3]]);
  });

  it('gives every caller the result at its own index in the run', async () => {
    const { engine, batcher } = setup();
    engine.hold = false;
    const requests = [40, 10, 30, 20, 50];
    const results = await Promise.all(requests.map((r) => batcher.push(r)));
    expect(engine.runCalls).toEqual([requests]);
    expect(results).toEqual(requests.map((r) => `result of ${r}`));
  });

  describe('maxSize', () => {
    it('caps the rows of one run, leaving the rest for the next run', async () => {
      // A request is a number of rows; sizes 2, 2, 1 with maxSize 4.
      const { engine, batcher } = setup({ maxSize: 4, sizeOf: (rows) => rows });
      engine.hold = false;
      await Promise.all([2, 2, 1].map((r) => batcher.push(r)));
      expect(engine.runCalls).toEqual([[2, 2], [1]]);
    });

    it('runs a single request larger than maxSize, alone', async () => {
      const { engine, batcher } = setup({ maxSize: 4, sizeOf: (rows) => rows });
      engine.hold = false;
      const results = await Promise.all([6, 1, 1].map((r) => batcher.push(r)));
      expect(engine.runCalls).toEqual([[6], [1, 1]]);
      expect(results).toEqual(['result of 6', 'result of 1', 'result of 1']);
    });

    it('fills a run with 3-row requests past a learned limit of 4, within the size class the limit names', async () => {
      const { engine, batcher } = setup({ maxSize: 64, sizeOf: (rows) => rows, limit: () => 4 });
      engine.hold = false;
      await Promise.all([3, 3, 3, 3].map((r) => batcher.push(r)));
      expect(engine.runCalls).toEqual([
        [3, 3],
        [3, 3],
      ]);
    });

    it('counts rows, not requests, when a run starts after one in flight', async () => {
      const { engine, batcher } = setup({ maxSize: 3, sizeOf: (rows) => rows });
      const all = [batcher.push(1)];
      await settle();
      all.push(...[2, 1, 3].map((r) => batcher.push(r)));
      engine.hold = false;
      await engine.release();
      await Promise.all(all);
      expect(engine.runCalls).toEqual([[1], [2, 1], [3]]);
    });
  });

  describe('keyOf', () => {
    // Tens digit is the key: 11 and 12 share key '1'; 21 and 22 share key '2'.
    const byTens = (r: number) => String(Math.floor(r / 10));

    it('never mixes requests with different keys in one run, and keeps order within a key', async () => {
      const { engine, batcher } = setup({ keyOf: byTens });
      engine.hold = false;
      const results = await Promise.all([11, 21, 12, 22, 13].map((r) => batcher.push(r)));
      expect(engine.runCalls).toEqual([
        [11, 12, 13],
        [21, 22],
      ]);
      expect(results).toEqual(['result of 11', 'result of 21', 'result of 12', 'result of 22', 'result of 13']);
    });

    it('always runs a request with a null key alone', async () => {
      const { engine, batcher } = setup({ keyOf: (r) => (r >= 100 ? null : byTens(r)) });
      engine.hold = false;
      await Promise.all([100, 101, 11, 102, 12].map((r) => batcher.push(r)));
      expect(engine.runCalls).toEqual([[100], [101], [11, 12], [102]]);
    });
  });

  describe('maxDelayMs', () => {
    it('makes an idle batcher wait up to maxDelayMs for company, counted from the first request', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { engine, batcher } = setup({ maxDelayMs: 10, maxSize: 8 });
      engine.hold = false;
      const first = batcher.push(1);
      vi.advanceTimersByTime(6);
      await settle();
      expect(engine.runCalls).toEqual([]);
      const second = batcher.push(2);
      vi.advanceTimersByTime(3);
      await settle();
      expect(engine.runCalls).toEqual([]);
      vi.advanceTimersByTime(1);
      await settle();
      expect(engine.runCalls).toEqual([[1, 2]]);
      await expect(Promise.all([first, second])).resolves.toEqual(['result of 1', 'result of 2']);
    });

    it('dispatches without waiting once maxSize rows are queued, and the timer then runs nothing more', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { engine, batcher } = setup({ maxDelayMs: 1000, maxSize: 3 });
      engine.hold = false;
      const results = [1, 2, 3].map((r) => batcher.push(r));
      await settle();
      expect(engine.runCalls).toEqual([[1, 2, 3]]);
      await Promise.all(results);
      vi.advanceTimersByTime(1000);
      await settle();
      expect(engine.runCalls).toEqual([[1, 2, 3]]);
    });

    it('does not make requests that queued during a run wait maxDelayMs again', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { engine, batcher } = setup({ maxDelayMs: 50 });
      const first = batcher.push(1);
      vi.advanceTimersByTime(50);
      await settle();
      expect(engine.runCalls).toEqual([[1]]);
      const second = batcher.push(2);
      engine.hold = false;
      await engine.release();
      expect(engine.runCalls).toEqual([[1], [2]]);
      await expect(Promise.all([first, second])).resolves.toEqual(['result of 1', 'result of 2']);
    });
  });

  describe('when a run fails', () => {
    it('retries each request of a failed batch alone, so only the bad one rejects', async () => {
      const { engine, batcher } = setup();
      engine.hold = false;
      const [good1, bad, good3] = [1, -2, 3].map((r) => batcher.push(r));
      await expect(good1).resolves.toBe('result of 1');
      await expect(bad).rejects.toThrow('engine rejected request -2');
      await expect(good3).resolves.toBe('result of 3');
      expect(engine.runCalls).toEqual([[1, -2, 3], [1], [-2], [3]]);
    });

    it('rejects a request that ran alone with the error of its run, without retrying it', async () => {
      const { engine, batcher } = setup();
      engine.hold = false;
      await expect(batcher.push(-1)).rejects.toThrow('engine rejected request -1');
      expect(engine.runCalls).toEqual([[-1]]);
    });

    it('keeps serving requests after a failure', async () => {
      const { engine, batcher } = setup();
      engine.hold = false;
      await expect(batcher.push(-1)).rejects.toThrow();
      await expect(batcher.push(5)).resolves.toBe('result of 5');
      expect(engine.runCalls).toEqual([[-1], [5]]);
    });
  });

  describe('close and idle', () => {
    it('rejects queued requests with the reason given, and lets the run in flight finish', async () => {
      const { engine, batcher } = setup();
      const inFlight = batcher.push(1);
      await settle();
      const queued = [2, 3].map((r) => batcher.push(r));
      const reason = new Error('model disposed');
      batcher.close(reason);
      await expect(queued[0]).rejects.toBe(reason);
      await expect(queued[1]).rejects.toBe(reason);
      await engine.release();
      await expect(inFlight).resolves.toBe('result of 1');
      expect(engine.runCalls).toEqual([[1]]);
      expect(engine.waiting).toBe(0);
    });

    it('resolves idle() only after the run in flight has finished', async () => {
      const { engine, batcher } = setup();
      const result = batcher.push(1);
      await settle();
      let idle = false;
      void batcher.idle().then(() => {
        idle = true;
      });
      await settle();
      expect(idle).toBe(false);
      await engine.release();
      expect(idle).toBe(true);
      await expect(result).resolves.toBe('result of 1');
    });

    it('resolves idle() at once when nothing has run', async () => {
      const { batcher } = setup();
      await expect(batcher.idle()).resolves.toBeUndefined();
    });
  });
});

describe('Batcher.cancel', () => {
  it('rejects only the cancelled caller’s queued requests, with the reason given, and runs the rest together', async () => {
    const { engine, batcher } = setup();
    const inFlight = batcher.push(1, 'call-a');
    await settle();
    const a = [2, 3].map((r) => batcher.push(r, 'call-a'));
    const b = [4, 5].map((r) => batcher.push(r, 'call-b'));
    const reason = new Error('the call was cancelled while queued');
    batcher.cancel('call-a', reason);
    await expect(a[0]).rejects.toBe(reason);
    await expect(a[1]).rejects.toBe(reason);
    engine.hold = false;
    await engine.release();
    await expect(inFlight).resolves.toBe('result of 1');
    await expect(Promise.all(b)).resolves.toEqual(['result of 4', 'result of 5']);
    expect(engine.runCalls).toEqual([[1], [4, 5]]);
  });

  it('leaves a run already under way alone: its caller still gets the result', async () => {
    const { engine, batcher } = setup();
    const running = batcher.push(1, 'call-a');
    await settle();
    batcher.cancel('call-a', new Error('too late'));
    await engine.release();
    await expect(running).resolves.toBe('result of 1');
    expect(engine.runCalls).toEqual([[1]]);
  });

  it('does nothing for a tag with nothing queued', async () => {
    const { engine, batcher } = setup();
    engine.hold = false;
    const result = batcher.push(1, 'call-a');
    batcher.cancel('call-b', new Error('not queued'));
    await expect(result).resolves.toBe('result of 1');
  });
});

describe('Batcher with a learned limit', () => {
  it('caps coalesced runs at the limit, but keeps one caller’s explicit batch in one run', async () => {
    const { engine, batcher } = setup({ limit: () => 1 });
    engine.hold = false;
    const explicit = [1, 2, 3].map((r) => batcher.push(r, 'call-a'));
    const separate = [4, 5].map((r) => batcher.push(r));
    await Promise.all([...explicit, ...separate]);
    expect(engine.runCalls).toEqual([[1, 2, 3], [4], [5]]);
  });
});

describe('Batcher with a BatchTuner', () => {
  it('coalesces requests of 2 rows each into runs of up to maxSize rows, as the tuner learns that batching pays', async () => {
    const tuner = new BatchTuner(16);
    const rowsPerRun: number[] = [];
    const run = async (requests: number[]): Promise<number[]> => {
      const rows = requests.reduce((sum, r) => sum + r, 0);
      rowsPerRun.push(rows);
      tuner.record(rows, 1 + 0.1 * rows); // a fixed cost per run: bigger runs are cheaper per row
      return requests;
    };
    const batcher = new Batcher(run, {
      maxSize: 16,
      maxDelayMs: 0,
      sizeOf: (r) => r,
      keyOf: () => 'model',
      limit: (head) => tuner.limit(head),
    });
    await Promise.all(Array.from({ length: 60 }, () => batcher.push(2)));
    expect(rowsPerRun.slice(0, 9)).toEqual([2, 2, 2, 4, 4, 4, 8, 8, 8]);
    // 120 rows: 42 while learning, then 16, 16, 16, 16 and the 14 left.
    expect(rowsPerRun.slice(9)).toEqual([16, 16, 16, 16, 14]);
  });
});
