import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/shared/errors.js';
import { checkCallOptions } from '../../src/page/call-options.js';

describe('checkCallOptions', () => {
  it('accepts no options, a signal, and a timeout of 0 (a deadline already passed)', () => {
    expect(() => checkCallOptions('predict', undefined)).not.toThrow();
    expect(() => checkCallOptions('predict', { signal: new AbortController().signal, timeoutMs: 0 })).not.toThrow();
  });

  it('names the call, the option and what it may be', () => {
    expect(() => checkCallOptions('predictBatch', { timeoutMs: -1 })).toThrow(OptionError);
    expect(() => checkCallOptions('predictBatch', { timeoutMs: -1 })).toThrow(
      'predictBatch option timeoutMs must be a number of milliseconds >= 0 (at most 2147483647), got -1',
    );
    expect(() => checkCallOptions('predict', { signal: 'stop' })).toThrow(
      "predict option signal must be an AbortSignal, got 'stop'",
    );
  });

  it('rejects an unknown option, with the one it was likely meant to be', () => {
    expect(() => checkCallOptions('predict', { timeout: 100 })).toThrow(
      "unknown predict option 'timeout' (did you mean 'timeoutMs'?)",
    );
    expect(() => checkCallOptions('predict', { backend: 'wasm' })).toThrow(
      "unknown predict option 'backend'; predict takes signal, timeoutMs",
    );
  });

  it('carries the option in the error', () => {
    try {
      checkCallOptions('predict', { signl: new AbortController().signal });
    } catch (error) {
      expect(error).toMatchObject({ name: 'OptionError', option: 'signl' });
      return;
    }
    throw new Error('expected an OptionError');
  });
});
