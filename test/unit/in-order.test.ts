import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/shared/errors.js';
import { inOrder, inOrderTransform } from '../../src/page/in-order.js';

/** Calls answered only when the test says, each told its element and its signal. */
function heldCalls() {
  const calls: Array<{ element: number; signal: AbortSignal; answer(): void; fail(error: Error): void }> = [];
  const start = (element: number, signal: AbortSignal) =>
    new Promise<number>((resolve, reject) => {
      calls.push({ element, signal, answer: () => resolve(element * 10), fail: reject });
    });
  return { calls, start };
}

/** A source that counts what was pulled from it, and whether it was closed. */
function countedSource(length: number) {
  const seen = { pulled: 0, closed: false };
  function* elements() {
    try {
      for (let i = 0; i < length; i += 1) {
        seen.pulled += 1;
        yield i;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, source: elements() };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('inOrder', () => {
  it("yields the answers in the source's order, whatever order they come in", async () => {
    const { calls, start } = heldCalls();
    const results = (async () => {
      const out: number[] = [];
      for await (const answer of inOrder([1, 2, 3], start, { maxInFlight: 3, what: 'results' })) out.push(answer);
      return out;
    })();
    await settle();
    for (const i of [2, 0, 1]) calls[i]?.answer();
    await expect(results).resolves.toEqual([10, 20, 30]);
  });

  it('pulls no more than maxInFlight elements ahead of what it yielded, from a source that has 200 at once', async () => {
    const { seen, source } = countedSource(200);
    let answered = 0;
    let mostAhead = 0;
    const start = async (element: number) => {
      mostAhead = Math.max(mostAhead, seen.pulled - answered);
      await settle();
      return element;
    };
    const out: number[] = [];
    for await (const answer of inOrder(source, start, { maxInFlight: 4, what: 'results' })) {
      answered += 1;
      out.push(answer);
    }
    expect(out).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(mostAhead).toBe(4);
  });

  it('yields an answer while an async source has nothing new yet', async () => {
    let more = (): void => undefined;
    async function* live() {
      yield 1;
      await new Promise<void>((resolve) => (more = resolve));
      yield 2;
    }
    const iteration = inOrder(live(), async (element) => element, { maxInFlight: 4, what: 'results' });
    await expect(iteration.next()).resolves.toEqual({ done: false, value: 1 });
    more();
    await expect(iteration.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(iteration.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('rejects at the failed element, after yielding those before it; the calls still out hear it, and the source is closed', async () => {
    const { calls, start } = heldCalls();
    const { seen, source } = countedSource(10);
    const iteration = inOrder(source, start, { maxInFlight: 3, what: 'results' });
    const first = iteration.next();
    await settle();
    calls[0]?.answer();
    await expect(first).resolves.toEqual({ done: false, value: 0 });
    const second = iteration.next();
    calls[1]?.fail(new Error('element 1 failed'));
    await expect(second).rejects.toThrow('element 1 failed');
    expect(calls.slice(2).map((call) => call.signal.aborted)).toEqual([true, true]);
    expect(seen.closed).toBe(true);
  });

  it('rejects with AbortError when the signal fires, even while waiting on a call; the calls out hear it', async () => {
    const { calls, start } = heldCalls();
    const controller = new AbortController();
    const iteration = inOrder([1, 2], start, { maxInFlight: 2, signal: controller.signal, what: 'results' });
    const next = iteration.next();
    await settle();
    controller.abort('the user left');
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('results was aborted: the user left');
    expect(calls.map((call) => call.signal.aborted)).toEqual([true, true]);
  });

  it('closes the source and tells the calls out when the consumer stops early', async () => {
    const { calls, start } = heldCalls();
    const { seen, source } = countedSource(10);
    const iteration = inOrder(source, start, { maxInFlight: 3, what: 'results' });
    const first = iteration.next();
    await settle();
    calls[0]?.answer();
    await first;
    await iteration.return();
    expect(seen.closed).toBe(true);
    expect(calls.slice(1).map((call) => call.signal.aborted)).toEqual([true, true]);
  });
});

describe('inOrderTransform', () => {
  it('answers in order, and holds a writer back while maxInFlight chunks are out', async () => {
    const { calls, start } = heldCalls();
    const stream = inOrderTransform(start, { maxInFlight: 2, what: 'transform' });
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    // A TransformStream calls its transform only while its readable side is read from.
    const firstRead = reader.read();
    const writes = [1, 2, 3].map((element) => writer.write(element));
    let thirdTaken = false;
    void writes[2]?.then(() => (thirdTaken = true));
    await settle();
    expect(calls).toHaveLength(2);
    expect(thirdTaken).toBe(false);
    calls[1]?.answer();
    calls[0]?.answer();
    await expect(firstRead).resolves.toEqual({ done: false, value: 10 });
    await writes[2];
    expect(calls).toHaveLength(3);
    calls[2]?.answer();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 20 });
    await expect(reader.read()).resolves.toEqual({ done: false, value: 30 });
    await writer.close();
    await expect(reader.read()).resolves.toEqual({ done: true, value: undefined });
  });

  it('errors the readable side with the failed call’s error', async () => {
    const stream = inOrderTransform(
      async (element: number) => {
        if (element === 2) throw new Error('element 2 failed');
        return element;
      },
      { maxInFlight: 2, what: 'transform' },
    );
    const writer = stream.writable.getWriter();
    void writer.write(1).catch(() => undefined);
    void writer.write(2).catch(() => undefined);
    const reader = stream.readable.getReader();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 1 });
    await expect(reader.read()).rejects.toThrow('element 2 failed');
  });
});
