import { describe, expect, it } from 'vitest';
import { InputError, toWire } from '../../src/shared/errors.js';
import { Outbox, type SendCalls } from '../../src/page/outbox.js';
import type { PredictCall, PredictOutcome } from '../../src/shared/protocol.js';
import type { Tensors } from '../../src/shared/types.js';

const feeds = (value: number): Tensors => ({ x: { dtype: 'float32', dims: [1], data: new Float32Array([value]) } });

/**
 * A fake worker: records each message's calls and answers every call with its own first value, as
 * the host does: in the reply, or call by call through `onOutcomes` when the page gives one.
 */
function fakeWorker(answer?: (call: PredictCall) => PredictOutcome) {
  const messages: number[][] = [];
  const send: SendCalls = async (calls, _transfer, onOutcomes) => {
    messages.push(calls.map((call) => call.callId));
    const outcomes = calls.map(answer ?? ((call) => ({ results: call.requests })));
    if (onOutcomes === undefined) return outcomes;
    for (const [i, call] of calls.entries()) onOutcomes([[call.callId, outcomes[i] as PredictOutcome]]);
    return [];
  };
  return { messages, send };
}

describe('Outbox', () => {
  it('sends the calls made in one task as one message, and resolves each with its own results', async () => {
    const worker = fakeWorker();
    const outbox = new Outbox(worker.send, true);
    const results = await Promise.all([1, 2, 3].map((id) => outbox.post({ callId: id, requests: [feeds(id)] }, [])));
    expect(worker.messages).toEqual([[1, 2, 3]]);
    expect(results.map((r) => r[0]?.x?.data[0])).toEqual([1, 2, 3]);
  });

  it('sends calls of later tasks in later messages', async () => {
    const worker = fakeWorker();
    const outbox = new Outbox(worker.send, true);
    await outbox.post({ callId: 1, requests: [feeds(1)] }, []);
    await outbox.post({ callId: 2, requests: [feeds(2)] }, []);
    expect(worker.messages).toEqual([[1], [2]]);
  });

  it('sends each call at once when it may not gather', async () => {
    const worker = fakeWorker();
    const outbox = new Outbox(worker.send, false);
    const calls = [1, 2].map((id) => outbox.post({ callId: id, requests: [feeds(id)] }, []));
    expect(worker.messages).toEqual([[1], [2]]);
    await Promise.all(calls);
  });

  it('rejects only the call whose outcome is an error, with the SDK error class', async () => {
    const worker = fakeWorker((call) =>
      call.callId === 2
        ? { error: toWire(new InputError("input 'x' is bad", { input: 'x' })) }
        : { results: call.requests },
    );
    const outbox = new Outbox(worker.send, true);
    const settled = await Promise.allSettled(
      [1, 2, 3].map((id) => outbox.post({ callId: id, requests: [feeds(id)] }, [])),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (settled[1] as PromiseRejectedResult).reason as InputError;
    expect(reason).toBeInstanceOf(InputError);
    expect(reason.input).toBe('x');
  });

  it('takes back a call that has not left yet, and says when it is too late', async () => {
    const worker = fakeWorker();
    const outbox = new Outbox(worker.send, true);
    const kept = outbox.post({ callId: 1, requests: [feeds(1)] }, []);
    void outbox.post({ callId: 2, requests: [feeds(2)] }, []);
    expect(outbox.withdraw(2)).toBe(true);
    await kept;
    expect(worker.messages).toEqual([[1]]);
    expect(outbox.withdraw(1)).toBe(false);
  });

  it('resolves each call of a message as soon as its own outcome arrives, not when the last one does', async () => {
    let finishLastRun: () => void = () => undefined;
    const lastRun = new Promise<void>((done) => (finishLastRun = done));
    const send: SendCalls = async (calls, _transfer, onOutcomes) => {
      const [first, ...rest] = calls as [PredictCall, ...PredictCall[]];
      onOutcomes?.([[first.callId, { results: first.requests }]]);
      await lastRun;
      onOutcomes?.(rest.map((call) => [call.callId, { results: call.requests }]));
      return [];
    };
    const outbox = new Outbox(send, true);
    const settledIds: number[] = [];
    const calls = [1, 2, 3].map((id) =>
      outbox.post({ callId: id, requests: [feeds(id)] }, []).then(() => settledIds.push(id)),
    );
    await calls[0];
    expect(settledIds).toEqual([1]);
    finishLastRun();
    await Promise.all(calls);
    expect(settledIds).toEqual([1, 2, 3]);
  });

  it('takes the outcomes from the reply when the worker answers there rather than run by run', async () => {
    const outbox = new Outbox(async (calls) => calls.map((call) => ({ results: call.requests })), true);
    const results = await Promise.all([1, 2].map((id) => outbox.post({ callId: id, requests: [feeds(id)] }, [])));
    expect(results.map((r) => r[0]?.x?.data[0])).toEqual([1, 2]);
  });

  it('rejects every call of a message the worker could not answer', async () => {
    const outbox = new Outbox(async () => Promise.reject(new Error('worker gone')), true);
    const settled = await Promise.allSettled(
      [1, 2].map((id) => outbox.post({ callId: id, requests: [feeds(id)] }, [])),
    );
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});
