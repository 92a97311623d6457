import { runInNewContext } from 'node:vm';
import { transferHandlers, type TransferHandler } from 'comlink';
import { describe, expect, it } from 'vitest';
import { installErrorTransfer } from '../../src/shared/comlink-errors.js';
import {
  AbortError,
  BackendUnavailableError,
  DisposedError,
  fromWire,
  InferenceError,
  InputError,
  IntegrityError,
  isAbortError,
  isBackendUnavailableError,
  isDisposedError,
  isInferenceError,
  isInputError,
  isIntegrityError,
  isLoadError,
  isOptionError,
  isWebinferError,
  isWireError,
  isWorkerCrashedError,
  LoadError,
  OptionError,
  toWire,
  WebinferError,
  WorkerCrashedError,
} from '../../src/shared/errors.js';

/**
 * An error made in another realm (node:vm's new context: its own Error, its own prototypes), as an
 * iframe's or a second SDK copy's error reaches this one: `instanceof Error` is false for it here.
 */
const foreign = (name: string, fields = 'input: undefined, source: undefined, backend: undefined'): Error =>
  runInNewContext(`Object.assign(new Error('x'), { name: ${JSON.stringify(name)}, ${fields} })`) as Error;

describe('error classes', () => {
  it('are Errors and WebinferErrors, with their own name and the context given', () => {
    const cause = new Error('root');
    const error = new LoadError('HTTP 404', { source: 'https://example.com/m.onnx', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(WebinferError);
    expect(error.name).toBe('LoadError');
    expect(error.message).toBe('HTTP 404');
    expect(error.source).toBe('https://example.com/m.onnx');
    expect(error.input).toBeUndefined();
    expect(error.cause).toBe(cause);
  });

  it('leave cause out when none is given', () => {
    expect('cause' in new InputError('bad')).toBe(false);
  });
});

describe('toWire and fromWire', () => {
  it.each([
    ['InputError', new InputError('bad dims', { input: 'features' }), InputError],
    ['OptionError', new OptionError("unknown engine 'onx'", { option: 'engine' }), OptionError],
    ['LoadError', new LoadError('HTTP 404', { source: 'model.onnx' }), LoadError],
    [
      'BackendUnavailableError',
      new BackendUnavailableError('no webgpu', { backend: 'webgpu' }),
      BackendUnavailableError,
    ],
    ['InferenceError', new InferenceError('engine failed', { backend: 'wasm', input: 'x' }), InferenceError],
    ['DisposedError', new DisposedError('disposed'), DisposedError],
    ['WorkerCrashedError', new WorkerCrashedError('crashed'), WorkerCrashedError],
    ['AbortError', new AbortError('aborted'), AbortError],
    ['WebinferError', new WebinferError('generic'), WebinferError],
  ])('rebuild a %s with its class, name, message, context and stack', (name, error, ErrorClass) => {
    const wire = toWire(error);
    expect(isWireError(wire)).toBe(true);
    // Plain data only: it must survive structured clone as postMessage does it.
    const back = fromWire(structuredClone(wire));
    expect(back).toBeInstanceOf(ErrorClass);
    expect(back.name).toBe(name);
    expect(back.message).toBe(error.message);
    expect(back.input).toBe(error.input);
    expect(back.source).toBe(error.source);
    expect(back.backend).toBe(error.backend);
    expect(back.option).toBe(error.option);
    expect(back.stack).toBe(error.stack);
  });

  it('leave out context fields that were not set', () => {
    expect(toWire(new InputError('bad', { input: 'ids' })).context).toEqual({ input: 'ids' });
  });

  it('fall back to WebinferError for an error whose name is not a webinfer class', () => {
    const odd = Object.assign(new WebinferError('odd'), { name: 'SomethingElse' });
    const back = fromWire(toWire(odd));
    expect(back.name).toBe('WebinferError');
    expect(back.message).toBe('odd');
  });

  it('do not take plain values for wire errors', () => {
    expect(isWireError({ message: 'x' })).toBe(false);
    expect(isWireError(null)).toBe(false);
    expect(isWireError('InputError')).toBe(false);
  });
});

describe('guards', () => {
  it('recognise each class by name, so they work on errors from another realm', () => {
    const guards = [
      ['InputError', isInputError],
      ['OptionError', isOptionError],
      ['LoadError', isLoadError],
      ['BackendUnavailableError', isBackendUnavailableError],
      ['InferenceError', isInferenceError],
      ['DisposedError', isDisposedError],
      ['WorkerCrashedError', isWorkerCrashedError],
      ['AbortError', isAbortError],
    ] as const;
    for (const [name, guard] of guards) {
      const error = foreign(name);
      expect(error).not.toBeInstanceOf(Error);
      expect(guard(error), name).toBe(true);
      expect(isWebinferError(error), name).toBe(true);
      expect(guard(foreign(name === 'InputError' ? 'LoadError' : 'InputError')), name).toBe(false);
    }
  });

  it('recognise an InputError from another realm even without its context fields, as a WebinferError too', () => {
    const bare = foreign('InputError', '');
    expect(bare).not.toBeInstanceOf(Error);
    expect(isInputError(bare)).toBe(true);
    expect(isWebinferError(bare)).toBe(true);
  });

  it('are true for errors of this realm too', () => {
    expect(isInputError(new InputError('x'))).toBe(true);
    expect(isWebinferError(new DisposedError('x'))).toBe(true);
    expect(isLoadError(new InputError('x'))).toBe(false);
    // An option is not an input: code that retries on bad feeds must not retry on a bad option.
    expect(isInputError(new OptionError('x'))).toBe(false);
    expect(isOptionError(new OptionError('x', { option: 'backend' }))).toBe(true);
  });

  it('follow the class hierarchy: an IntegrityError, even from another realm, is a LoadError', () => {
    expect(isLoadError(new IntegrityError('x'))).toBe(true);
    expect(isLoadError(foreign('IntegrityError'))).toBe(true);
    expect(isIntegrityError(new LoadError('x'))).toBe(false);
  });

  it('are false for a plain Error and for non-errors', () => {
    expect(isWebinferError(new Error('x'))).toBe(false);
    expect(isWebinferError(new TypeError('x'))).toBe(false);
    expect(isInputError({ name: 'InputError', message: 'x' })).toBe(false);
    expect(isWebinferError({ name: 'InputError', message: 'x', backend: undefined })).toBe(false);
    expect(isWebinferError(undefined)).toBe(false);
    expect(isWebinferError(foreign('TypeError'))).toBe(false);
  });
});

describe('installErrorTransfer (the Comlink throw handler)', () => {
  type Thrown = { value: unknown };
  installErrorTransfer();
  const handler = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;

  /** Serializes as the worker side does, and deserializes as the page side does, returning what the page throws. */
  function acrossTheWire(value: unknown): unknown {
    const [serialized, transferables] = handler.serialize({ value });
    expect(transferables).toEqual([]);
    try {
      handler.deserialize(structuredClone(serialized));
    } catch (thrown) {
      return thrown;
    }
    throw new Error('expected deserialize to throw');
  }

  it('delivers a thrown InputError to the page as an InputError, with its input and message', () => {
    const thrown = acrossTheWire(
      new InputError("input 'features' expects dims [batch, 8], got [1, 7]", { input: 'features' }),
    );
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe('features');
    expect((thrown as InputError).message).toBe("input 'features' expects dims [batch, 8], got [1, 7]");
  });

  it('delivers a BackendUnavailableError with its backend', () => {
    const thrown = acrossTheWire(new BackendUnavailableError('no webgpu', { backend: 'webgpu' }));
    expect(thrown).toBeInstanceOf(BackendUnavailableError);
    expect((thrown as BackendUnavailableError).backend).toBe('webgpu');
  });

  it('delivers anything else thrown as a WebinferError with its message, so that every failure is one', () => {
    for (const value of [new TypeError('boom'), 'boom', { message: 'boom' }]) {
      const thrown = acrossTheWire(value);
      expect(thrown).toBeInstanceOf(WebinferError);
      expect((thrown as Error).message).toBe('boom');
    }
  });

  it('does not take an error that is returned rather than thrown for a throw', () => {
    expect(handler.canHandle(new InputError('x'))).toBe(false);
    expect(handler.canHandle({ value: new InputError('x') })).toBe(false);
  });

  it('installs once, however often it is called', () => {
    installErrorTransfer();
    expect(transferHandlers.get('throw')).toBe(handler);
  });
});
