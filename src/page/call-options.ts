// The options of predict() and predictBatch(), checked like load()'s before anything is sent.
import type { CallOptions } from './cancellation.js';
import { aFunction, anAbortSignal, type Call, checkOptions, milliseconds, type OptionCheck } from './option-checks.js';

const callChecks: Readonly<Record<keyof CallOptions, OptionCheck>> = {
  signal: anAbortSignal,
  // 0 is a deadline already passed: the call rejects with AbortError, as an aborted signal does.
  timeoutMs: milliseconds('zero allowed'),
  onTiming: aFunction,
};

/** Throws an OptionError for an unknown call option, or one whose value is not allowed. */
export function checkCallOptions(call: Exclude<Call, 'load'>, options: unknown): asserts options is CallOptions {
  checkOptions(options, callChecks, { call, option: '' });
}
