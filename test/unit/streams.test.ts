import { describe, expect, it } from 'vitest';
import type { PredictOutcome } from '../../src/shared/protocol.js';
import { Host } from '../../src/worker/host.js';
import { doubled, fakeLoads, loadRequest, row, type FakeEngine } from './support/fake-engine.js';

// The fake engine computes y = 2x: a stream that feeds y back as x doubles its state at every call,
// so the engine's runs show which state each call was fed.

const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

async function hostWithStream(streamId = 7) {
  const { loadEngine, loads } = fakeLoads();
  const host = new Host(loadEngine);
  const { id } = await host.load(loadRequest(1));
  host.openStream(id, streamId, { state: { y: 'x' }, initial: row(1) });
  return { host, id, engine: loads[0]?.engine as FakeEngine };
}

/** One stream call of one element; the fake engine's only input is the state. */
const element = (callId: number, stream = 7) => ({ callId, requests: [{}], stream });

const errorName = (outcomes: PredictOutcome[]): string | undefined => {
  const outcome = outcomes[0];
  return outcome !== undefined && 'error' in outcome ? outcome.error.webinferError : undefined;
};

describe('Host streams', () => {
  it("runs a stream's calls in order, each fed the state the one before left, and keeps the state outputs", async () => {
    const { host, id, engine } = await hostWithStream();
    const outcomes = await host.predict(id, [element(1), element(2), element(3)]);
    expect(engine.runs).toEqual([[1], [2], [4]]);
    expect(outcomes).toEqual([{ results: [{}] }, { results: [{}] }, { results: [{}] }]);
  });

  it("keeps each stream's state apart, and leaves calls outside streams as they were", async () => {
    const { host, id, engine } = await hostWithStream(7);
    host.openStream(id, 8, { state: { y: 'x' }, initial: row(5) });
    await host.predict(id, [element(1, 7), element(2, 8), element(3, 7), element(4, 8)]);
    await expect(host.predict(id, [{ callId: 5, requests: [row(3)] }])).resolves.toEqual([{ results: [doubled(3)] }]);
    expect(engine.runs.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 10]);
  });

  it('drops a cancelled call waiting behind the one under way (AbortError); the next is fed the state as it stands', async () => {
    const { host, id, engine } = await hostWithStream();
    engine.hold = true;
    const calls = [1, 2, 3].map((callId) => host.predict(id, [element(callId)]));
    await settle();
    host.cancel(id, 2);
    engine.hold = false;
    engine.release();
    const [first, cancelled, third] = await Promise.all(calls);
    expect(errorName(cancelled as PredictOutcome[])).toBe('AbortError');
    expect([first, third]).toEqual([[{ results: [{}] }], [{ results: [{}] }]]);
    expect(engine.runs).toEqual([[1], [2]]);
  });

  it('lets a closed stream finish the calls it was sent; a later call rejects with DisposedError', async () => {
    const { host, id, engine } = await hostWithStream();
    const sent = host.predict(id, [element(1), element(2)]);
    host.closeStream(7);
    await expect(sent).resolves.toEqual([{ results: [{}] }, { results: [{}] }]);
    expect(errorName(await host.predict(id, [element(3)]))).toBe('DisposedError');
    expect(engine.runs).toEqual([[1], [2]]);
  });

  it("rejects a stream's waiting calls with DisposedError when its model is disposed", async () => {
    const { host, id, engine } = await hostWithStream();
    engine.hold = true;
    const calls = [1, 2].map((callId) => host.predict(id, [element(callId)]));
    await settle();
    const disposed = host.dispose(id);
    engine.hold = false;
    engine.release();
    await disposed;
    const [first, waiting] = await Promise.all(calls);
    expect(first).toEqual([{ results: [{}] }]);
    expect(errorName(waiting as PredictOutcome[])).toBe('DisposedError');
  });
});
