import { expose, releaseProxy, transfer, wrap } from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installErrorTransfer } from '../../src/shared/comlink-errors.js';
import { LoadError } from '../../src/shared/errors.js';
import type { HostApi, PredictOutcome } from '../../src/shared/protocol.js';
import { Host } from '../../src/worker/host.js';
import { doubled, fakeLoads, hugeOutput, loadRequest, row, type FakeEngine } from './support/fake-engine.js';

/** Lets every pending continuation run (the host's first dispatch is a microtask). */
const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** A host with one model loaded (batch.dim0 'trust': coalescing allowed without a probe). */
async function hostWithModel(overrides: Parameters<typeof loadRequest>[1] = {}) {
  const { loadEngine, loads } = fakeLoads();
  const host = new Host(loadEngine);
  const { id } = await host.load(loadRequest(1, overrides));
  const engine = loads[0]?.engine as FakeEngine;
  return { host, id, engine, loads };
}

/** One predict message of one call of one row. */
const predictOne = (
  host: Pick<HostApi, 'predict'>,
  modelId: number,
  callId: number,
  v: number,
): Promise<PredictOutcome[]> => host.predict(modelId, [{ callId, requests: [row(v)] }]);

/**
 * The BatchTuner lets runs grow only once it has timed three runs of one row (batch-tuner.ts): make
 * those, then forget them, so that the next runs may coalesce two rows.
 */
async function warmTuner(host: Pick<HostApi, 'predict'>, modelId: number, engine: FakeEngine): Promise<void> {
  for (let call = 0; call < 3; call += 1) await predictOne(host, modelId, 100 + call, 0);
  engine.runs.splice(0);
}

const errorName = (outcomes: PredictOutcome[]): string | undefined => {
  const outcome = outcomes[0];
  return outcome !== undefined && 'error' in outcome ? outcome.error.webinferError : undefined;
};

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** A Host exposed on one end of a MessageChannel, reached through Comlink from the other, as the page does. */
function hostOverChannel() {
  installErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const { loadEngine, loads } = fakeLoads();
  expose(new Host(loadEngine), port1);
  return { remote: wrap<HostApi>(port2), loads };
}

describe('Host over a MessageChannel, as the page reaches it through Comlink', () => {
  it('coalesces the calls of several predict messages that arrive while a run is in flight into one engine run', async () => {
    const { remote, loads } = hostOverChannel();
    const { id } = await remote.load(loadRequest(1));
    const engine = loads[0]?.engine as FakeEngine;
    await warmTuner(remote, id, engine);
    engine.hold = true;
    const first = remote.predict(id, [{ callId: 1, requests: [row(1)] }]);
    await vi.waitFor(() => expect(engine.waiting).toBe(1));
    const later = [2, 3].map((v) => remote.predict(id, [{ callId: v, requests: [row(v)] }]));
    await remote.stats(id); // messages are handled in order: both predicts are queued by now
    engine.hold = false;
    engine.release();
    await expect(first).resolves.toEqual([{ results: [doubled(1)] }]);
    await expect(Promise.all(later)).resolves.toEqual([[{ results: [doubled(2)] }], [{ results: [doubled(3)] }]]);
    expect(engine.runs).toEqual([[1], [2, 3]]);
    await expect(remote.stats(id)).resolves.toMatchObject({ runs: 5, requests: 6, largestRun: 2 });
    remote[releaseProxy]();
  });

  it('answers each call of a message on the reply port as soon as its run has finished, one message per run', async () => {
    const { remote, loads } = hostOverChannel();
    const { id } = await remote.load(loadRequest(1, { batch: { maxSize: 2, maxDelayMs: 0, dim0: 'trust' } }));
    const engine = loads[0]?.engine as FakeEngine;
    await warmTuner(remote, id, engine);
    engine.hold = true;
    const replyPort = new MessageChannel();
    ports.push(replyPort.port1, replyPort.port2);
    const replies: Array<Array<[number, PredictOutcome]>> = [];
    replyPort.port1.onmessage = ({ data }) => replies.push(data);
    await remote.replyOn(transfer(replyPort.port2, [replyPort.port2]));
    const calls = [1, 2, 3, 4].map((v) => ({ callId: v, requests: [row(v)] }));
    const done = remote.predict(id, calls, true);
    await vi.waitFor(() => expect(engine.waiting).toBe(1));
    engine.release();
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0]).toEqual([
      [1, { results: [doubled(1)] }],
      [2, { results: [doubled(2)] }],
    ]);
    engine.hold = false;
    engine.release();
    await expect(done).resolves.toEqual([]);
    await vi.waitFor(() => expect(replies).toHaveLength(2));
    expect(replies[1]).toEqual([
      [3, { results: [doubled(3)] }],
      [4, { results: [doubled(4)] }],
    ]);
    expect(engine.runs).toEqual([
      [1, 2],
      [3, 4],
    ]);
    remote[releaseProxy]();
  });

  it('rejects a load whose engine fails with the error class rebuilt on the page', async () => {
    installErrorTransfer();
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    expose(
      new Host(async () => Promise.reject(new LoadError('could not load model x: bad bytes', { source: 'x' }))),
      port1,
    );
    const remote = wrap<HostApi>(port2);
    await expect(remote.load(loadRequest(1))).rejects.toBeInstanceOf(LoadError);
    remote[releaseProxy]();
  });
});

describe('Host queues', () => {
  it('rejects a call cancelled while queued with AbortError, and still runs the calls queued beside it', async () => {
    const { host, id, engine } = await hostWithModel();
    engine.hold = true;
    const running = predictOne(host, id, 1, 1);
    await settle();
    const cancelled = predictOne(host, id, 2, 2);
    const kept = predictOne(host, id, 3, 3);
    host.cancel(id, 2);
    engine.hold = false;
    engine.release();
    expect(errorName(await cancelled)).toBe('AbortError');
    await expect(kept).resolves.toEqual([{ results: [doubled(3)] }]);
    await expect(running).resolves.toEqual([{ results: [doubled(1)] }]);
    expect(engine.runs).toEqual([[1], [3]]);
  });

  it('rejects a call queued when its model is disposed with DisposedError, finishes the run in flight, then frees the engine', async () => {
    const { host, id, engine } = await hostWithModel();
    engine.hold = true;
    const running = predictOne(host, id, 1, 1);
    await settle();
    const queued = predictOne(host, id, 2, 2);
    const disposed = host.dispose(id);
    expect(errorName(await queued)).toBe('DisposedError');
    expect(engine.disposed).toBe(false);
    engine.release();
    await disposed;
    await expect(running).resolves.toEqual([{ results: [doubled(1)] }]);
    expect(engine.disposed).toBe(true);
    expect(engine.runs).toEqual([[1]]);
    await expect(predictOne(host, id, 3, 3)).rejects.toThrow('this model has been disposed');
  });

  it('rejects only the call whose output is too large to post back, with OutOfMemoryError naming the output', async () => {
    const { host, id } = await hostWithModel({ batch: { maxSize: 64, maxDelayMs: 0, dim0: 'off' } });
    const outcomes = await host.predict(id, [
      { callId: 1, requests: [row(1)] },
      { callId: 2, requests: [row(hugeOutput)] },
      { callId: 3, requests: [row(3)] },
    ]);
    expect(outcomes[0]).toEqual({ results: [doubled(1)] });
    expect(outcomes[1]).toMatchObject({ error: { webinferError: 'OutOfMemoryError', context: { output: 'y' } } });
    expect(outcomes[2]).toEqual({ results: [doubled(3)] });
  });
});

describe('Host shared loads', () => {
  it('gives identical loads one model: one engine load, and their calls coalesce into one run', async () => {
    const { loadEngine, loads } = fakeLoads();
    const host = new Host(loadEngine);
    const [a, b] = await Promise.all([host.load(loadRequest(1)), host.load(loadRequest(2))]);
    expect(loads).toHaveLength(1);
    expect(a.id).not.toBe(b.id);
    const engine = loads[0]?.engine as FakeEngine;
    await warmTuner(host, a.id, engine);
    await Promise.all([predictOne(host, a.id, 1, 1), predictOne(host, b.id, 2, 2)]);
    expect(engine.runs).toEqual([[1, 2]]);
  });

  it('shares a live model with a later load only when both use cache: true', async () => {
    const { loadEngine, loads } = fakeLoads();
    const host = new Host(loadEngine);
    await host.load(loadRequest(1));
    await host.load(loadRequest(2));
    expect(loads).toHaveLength(1);
    await host.load(loadRequest(3, { cache: 'revalidate' }));
    await host.load(loadRequest(4, { cache: 'revalidate' }));
    expect(loads).toHaveLength(3);
  });

  it('drops only the disposed handle’s queued calls; the model keeps serving the other handle', async () => {
    const { loadEngine, loads } = fakeLoads();
    const host = new Host(loadEngine);
    const a = await host.load(loadRequest(1));
    const b = await host.load(loadRequest(2));
    const engine = loads[0]?.engine as FakeEngine;
    engine.hold = true;
    const running = predictOne(host, a.id, 1, 1);
    await settle();
    const dropped = predictOne(host, a.id, 2, 2);
    const kept = predictOne(host, b.id, 3, 3);
    await host.dispose(a.id);
    expect(errorName(await dropped)).toBe('DisposedError');
    engine.hold = false;
    engine.release();
    await expect(running).resolves.toEqual([{ results: [doubled(1)] }]);
    await expect(kept).resolves.toEqual([{ results: [doubled(3)] }]);
    expect(engine.runs).toEqual([[1], [3]]);
    expect(engine.disposed).toBe(false);
    await host.dispose(b.id);
    expect(engine.disposed).toBe(true);
  });

  it('aborts a shared load only when its last waiting caller cancels; each cancelled caller rejects at once', async () => {
    const { loadEngine, loads } = fakeLoads({ gated: true });
    const host = new Host(loadEngine);
    const first = host.load(loadRequest(1));
    const second = host.load(loadRequest(2));
    await settle();
    expect(loads).toHaveLength(1);
    const { signal } = loads[0] as { signal: AbortSignal };
    host.cancelLoad(1);
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(signal.aborted).toBe(false);
    host.cancelLoad(2);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(signal.aborted).toBe(true);
    // A load after that starts afresh rather than joining the abandoned one.
    const third = host.load(loadRequest(3));
    await settle();
    expect(loads).toHaveLength(2);
    host.cancelLoad(3);
    await expect(third).rejects.toMatchObject({ name: 'AbortError' });
  });
});
