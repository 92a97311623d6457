import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../../src/shared/errors.js';
import { cancellable } from '../../src/page/cancellation.js';

/** A call that settles only when told to. */
function pendingCall() {
  let resolve = (_value: string): void => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('cancellable', () => {
  it('rejects with AbortError carrying the reason when the signal fires, and calls onCancel once', async () => {
    const call = pendingCall();
    const controller = new AbortController();
    const onCancel = vi.fn();
    const result = cancellable('predict', call.promise, { signal: controller.signal }, onCancel);
    controller.abort('user left');
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('predict was aborted: user left');
    expect((error as Error).cause).toBe('user left');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('rejects at once, without waiting for the call, when the signal has already fired', async () => {
    const onCancel = vi.fn();
    const result = cancellable('predict', pendingCall().promise, { signal: AbortSignal.abort('too late') }, onCancel);
    await expect(result).rejects.toThrow('predict was aborted: too late');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('rejects with AbortError after timeoutMs, and calls onCancel', async () => {
    vi.useFakeTimers();
    const onCancel = vi.fn();
    const result = cancellable('predict', pendingCall().promise, { timeoutMs: 50 }, onCancel);
    const settled = result.catch((e: unknown) => e);
    vi.advanceTimersByTime(49);
    expect(onCancel).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    const error = await settled;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('predict timed out after 50 ms');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('settles like the call when it finishes first, and then neither the timer nor a later abort cancels it', async () => {
    vi.useFakeTimers();
    const call = pendingCall();
    const controller = new AbortController();
    const onCancel = vi.fn();
    const result = cancellable('predict', call.promise, { signal: controller.signal, timeoutMs: 50 }, onCancel);
    call.resolve('outputs');
    await expect(result).resolves.toBe('outputs');
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    vi.advanceTimersByTime(100);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('returns the call itself when given neither a signal nor a timeout', () => {
    const call = pendingCall();
    expect(cancellable('predict', call.promise, {}, () => undefined)).toBe(call.promise);
  });
});
