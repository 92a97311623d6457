import { describe, expect, it } from 'vitest';
import type { WatchdogMessage } from '../../src/shared/protocol.js';
import type { Tensors } from '../../src/shared/types.js';
import { RunWatch, watched } from '../../src/worker/run-watch.js';

/** A RunWatch whose messages to the page are collected, and a run wrapped with it. */
function setUp(maxRunMs: number | undefined) {
  const channel = new MessageChannel();
  const sent: WatchdogMessage[] = [];
  channel.port1.onmessage = ({ data }) => sent.push(data as WatchdogMessage);
  const watch = new RunWatch();
  watch.connect(channel.port2);
  const deadlines = new WeakMap<Tensors, number>();
  const run = watched(async (requests: Tensors[]) => requests.map(() => 'done'), {
    watch,
    what: 'a run of model m',
    maxRunMs,
    deadlines,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20)).finally(() => channel.port1.close());
  return { sent, deadlines, run, settle };
}

describe('watched runs', () => {
  it('send nothing when neither maxRunMs nor a caller deadline applies', async () => {
    const { sent, run, settle } = setUp(undefined);
    expect(await run([{}, {}])).toEqual(['done', 'done']);
    await settle();
    expect(sent).toEqual([]);
  });

  it('arm the watchdog with maxRunMs and disarm it when the run settles', async () => {
    const { sent, run, settle } = setUp(250);
    await run([{}]);
    await settle();
    expect(sent).toEqual([{ arm: 1, ms: 250, what: 'a run of model m' }, { disarm: 1 }]);
  });

  it("arm with the earliest caller's remaining time plus a grace, unless maxRunMs is sooner", async () => {
    const { sent, deadlines, run, settle } = setUp(5000);
    const early: Tensors = {};
    const late: Tensors = {};
    deadlines.set(early, performance.now() + 300);
    deadlines.set(late, performance.now() + 9000);
    await run([late, early, {}]);
    await settle();
    const armed = sent[0] as { ms: number };
    expect(armed.ms).toBeGreaterThan(1200);
    expect(armed.ms).toBeLessThanOrEqual(1300);
  });

  it('disarm even when the run fails', async () => {
    const channel = new MessageChannel();
    const sent: WatchdogMessage[] = [];
    channel.port1.onmessage = ({ data }) => sent.push(data as WatchdogMessage);
    const watch = new RunWatch();
    watch.connect(channel.port2);
    await expect(watch.around(100, 'a run', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((resolve) => setTimeout(resolve, 20));
    channel.port1.close();
    expect(sent).toEqual([{ arm: 1, ms: 100, what: 'a run' }, { disarm: 1 }]);
  });
});
