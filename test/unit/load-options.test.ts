import { describe, expect, it } from 'vitest';
import { isInputError, OptionError } from '../../src/shared/errors.js';
import {
  backendRequests,
  batchSettings,
  checkDeterministic,
  checkLoadOptions,
  engineKinds,
  resolveBaseUrl,
} from '../../src/page/load-options.js';
import { engineKinds as registeredEngines, findEngine } from '../../src/worker/engines/registry.js';

/** The OptionError that checking throws; fails the test if it throws nothing or something else. */
function optionErrorOf(options: unknown): OptionError {
  try {
    checkLoadOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error(`expected checkLoadOptions(${JSON.stringify(options)}) to throw an OptionError`);
}

const ms = (relation: string) => `a number of milliseconds ${relation} (at most 2147483647)`;

describe('checkLoadOptions', () => {
  it('accepts no options, an empty object, and every option at a valid value', () => {
    expect(() => checkLoadOptions(undefined)).not.toThrow();
    expect(() => checkLoadOptions({})).not.toThrow();
    const every = {
      backend: 'wasm',
      engine: 'tfjs',
      onProgress: () => undefined,
      batch: { maxSize: 8, maxDelayMs: 0, trust: true },
      signal: new AbortController().signal,
      timeoutMs: 0,
      maxRunMs: 1000,
      stallTimeoutMs: 30_000,
      onBackendChange: () => undefined,
      baseUrl: new URL('https://example.com/sdk/'),
      numThreads: 4,
      integrity: { 'model.json': 'sha256-abc', 'group1-shard1of1.bin': 'sha384-def' },
      cache: 'revalidate',
      persist: false,
      onWarning: () => undefined,
    };
    expect(() => checkLoadOptions(every)).not.toThrow();
  });

  it('takes an option given as undefined as not given, as a spread of optional fields produces', () => {
    expect(() => checkLoadOptions({ backend: undefined, batch: { maxSize: undefined } })).not.toThrow();
  });

  it.each([
    ['backend', 'gpu', "load option backend must be 'auto', 'webgpu', 'wasm' or 'cpu', got 'gpu'"],
    ['backend', 'WASM', "load option backend must be 'auto', 'webgpu', 'wasm' or 'cpu', got 'WASM'"],
    ['engine', 'onx', "load option engine must be 'onnx' or 'tfjs', got 'onx'"],
    ['onProgress', 'log', "load option onProgress must be a function, got 'log'"],
    ['batch', 8, 'load option batch must be true, false or an object { maxSize?, maxDelayMs?, trust? }, got 8'],
    ['batch', null, 'load option batch must be true, false or an object { maxSize?, maxDelayMs?, trust? }, got null'],
    ['signal', { aborted: false }, 'load option signal must be an AbortSignal, got an object'],
    ['timeoutMs', -1, `load option timeoutMs must be ${ms('>= 0')}, got -1`],
    ['timeoutMs', '500', `load option timeoutMs must be ${ms('>= 0')}, got '500'`],
    ['maxRunMs', 0, `load option maxRunMs must be ${ms('> 0')}, got 0`],
    ['maxRunMs', Number.POSITIVE_INFINITY, `load option maxRunMs must be ${ms('> 0')}, got Infinity`],
    ['stallTimeoutMs', Number.NaN, `load option stallTimeoutMs must be ${ms('> 0')}, got NaN`],
    ['onBackendChange', true, 'load option onBackendChange must be a function, got true'],
    ['baseUrl', 42, 'load option baseUrl must be a URL or a string, got 42'],
    ['numThreads', 0, 'load option numThreads must be a positive integer, got 0'],
    ['numThreads', 2.5, 'load option numThreads must be a positive integer, got 2.5'],
    ['numThreads', 4n, 'load option numThreads must be a positive integer, got 4n'],
    [
      'integrity',
      ['sha256-abc'],
      "load option integrity must be an SRI string like 'sha256-<base64>', or an object of them keyed by file, got an Array",
    ],
    ['cache', 'yes', "load option cache must be true, false or 'revalidate', got 'yes'"],
    ['persist', 1, 'load option persist must be true or false, got 1'],
    ['onWarning', {}, 'load option onWarning must be a function, got an object'],
  ])('rejects %s: %s, saying what it may be', (option, value, message) => {
    const error = optionErrorOf({ [option]: value });
    expect(error.message).toBe(message);
    expect(error.option).toBe(option);
  });

  it.each([
    ['maxSize', 0, 'load option batch.maxSize must be a positive integer, got 0'],
    ['maxSize', 1.5, 'load option batch.maxSize must be a positive integer, got 1.5'],
    ['maxDelayMs', -5, `load option batch.maxDelayMs must be ${ms('>= 0')}, got -5`],
    ['trust', 'yes', "load option batch.trust must be true or false, got 'yes'"],
  ])('rejects batch.%s: %s, naming it by its path', (option, value, message) => {
    const error = optionErrorOf({ batch: { [option]: value } });
    expect(error.message).toBe(message);
    expect(error.option).toBe(`batch.${option}`);
  });

  it('is an OptionError, not an InputError: an option is not a model input', () => {
    expect(isInputError(optionErrorOf({ batch: { maxSize: 0 } }))).toBe(false);
  });

  it('names an integrity digest that is not a string by its file', () => {
    const error = optionErrorOf({ integrity: { 'model.json': 'sha256-abc', 'shard.bin': 7 } });
    expect(error.message).toBe(
      "load option integrity['shard.bin'] must be an SRI string like 'sha256-<base64>', got 7",
    );
    expect(error.option).toBe("integrity['shard.bin']");
  });

  it.each([
    ['bakend', "unknown load option 'bakend' (did you mean 'backend'?)", 'bakend'],
    ['Backend', "unknown load option 'Backend' (did you mean 'backend'?)", 'Backend'],
    ['timeout', "unknown load option 'timeout' (did you mean 'timeoutMs'?)", 'timeout'],
    ['threads', "unknown load option 'threads' (did you mean 'numThreads'?)", 'threads'],
    ['device', "unknown load option 'device' (did you mean 'backend'? 'device' is transformers.js's name)", 'device'],
    [
      'executionProviders',
      "unknown load option 'executionProviders' (did you mean 'backend'? 'executionProviders' is onnxruntime-web's name)",
      'executionProviders',
    ],
  ])('rejects the unknown option %s, with the option it was likely meant to be', (name, message, option) => {
    const error = optionErrorOf({ [name]: 'x' });
    expect(error.message).toBe(message);
    expect(error.option).toBe(option);
  });

  it('refuses more threads or coalescing beside deterministic: true, naming the option', () => {
    expect(() => checkDeterministic({ deterministic: true, numThreads: 4 })).toThrow(
      'load option numThreads must be 1 (or left out) with deterministic: true, got 4',
    );
    expect(() => checkDeterministic({ deterministic: true, batch: { maxSize: 8 } })).toThrow(
      'load option batch must be false (or left out) with deterministic: true, got an object',
    );
    expect(() => checkDeterministic({ deterministic: true, numThreads: 1, batch: false })).not.toThrow();
  });

  it('lists the options there are when an unknown one is like none of them', () => {
    expect(optionErrorOf({ quantized: true }).message).toBe(
      "unknown load option 'quantized'; load takes backend, engine, onProgress, batch, signal, timeoutMs, maxRunMs, " +
        'stallTimeoutMs, onBackendChange, baseUrl, numThreads, workers, integrity, cache, persist, onWarning, probe, ' +
        'probeTolerance, deterministic',
    );
    expect(optionErrorOf({ batch: { rows: 4 } }).message).toBe(
      "unknown load option 'batch.rows'; batch takes maxSize, maxDelayMs, trust",
    );
    expect(optionErrorOf({ batch: { maxsize: 4 } }).message).toBe(
      "unknown load option 'batch.maxsize' (did you mean 'batch.maxSize'?)",
    );
  });

  it('does not mistake inherited names for options', () => {
    expect(optionErrorOf(JSON.parse('{"constructor": 1}')).option).toBe('constructor');
  });

  it.each([
    ['a string (the backend, passed where options go)', 'wasm', "load options must be an object, got 'wasm'"],
    ['null', null, 'load options must be an object, got null'],
    ['an array', [], 'load options must be an object, got an Array'],
  ])('rejects %s as the options object', (_label, options, message) => {
    const error = optionErrorOf(options);
    expect(error.message).toBe(message);
    expect(error.option).toBeUndefined();
  });
});

describe('resolveBaseUrl', () => {
  it('resolves against the page', () => {
    expect(resolveBaseUrl('sdk/', 'https://example.com/app/index.html').href).toBe('https://example.com/app/sdk/');
  });

  it('rejects a string that is no URL with an OptionError', () => {
    expect(() => resolveBaseUrl('http://[::1', 'https://example.com/')).toThrow(OptionError);
    expect(() => resolveBaseUrl('http://[::1', 'https://example.com/')).toThrow(
      "load option baseUrl must be a valid URL, got 'http://[::1'",
    );
  });
});

describe('batchSettings', () => {
  it('fills in the defaults, also for fields given as undefined', () => {
    expect(batchSettings(undefined)).toEqual({ maxSize: 64, maxDelayMs: 0, dim0: 'probe' });
    expect(batchSettings({ maxSize: undefined, maxDelayMs: 5 } as never)).toEqual({
      maxSize: 64,
      maxDelayMs: 5,
      dim0: 'probe',
    });
  });

  it('turns false into one request per run and true into trust without the probe', () => {
    expect(batchSettings(false)).toEqual({ maxSize: 1, maxDelayMs: 0, dim0: 'off' });
    expect(batchSettings(true)).toEqual({ maxSize: 64, maxDelayMs: 0, dim0: 'trust' });
  });
});

describe("the page's lists agree with the worker", () => {
  it('accepts exactly the engines the worker registers', () => {
    expect([...engineKinds]).toEqual(registeredEngines());
  });

  it("accepts 'auto' and exactly the backends some engine runs on", () => {
    const runOn = new Set(registeredEngines().flatMap((kind) => findEngine(kind).backends));
    expect(new Set(backendRequests)).toEqual(new Set(['auto', ...runOn]));
  });
});
