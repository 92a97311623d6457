import { describe, expect, it } from 'vitest';
import { InputError, OptionError } from '../../src/shared/errors.js';
import type { TensorInfo } from '../../src/shared/types.js';
import { checkIterationOptions, streamSpec } from '../../src/page/stream-options.js';
import { validateFeeds } from '../../src/page/validate.js';

// Silero VAD v5's signature: a recurrent state fed back from stateN to state.
const inputs: TensorInfo[] = [
  { name: 'input', dtype: 'float32', shape: [-1, -1] },
  { name: 'state', dtype: 'float32', shape: [2, -1, 128] },
  { name: 'sr', dtype: 'int64', shape: [] },
];
const outputs: TensorInfo[] = [
  { name: 'output', dtype: 'float32', shape: [-1, 1] },
  { name: 'stateN', dtype: 'float32', shape: [-1, -1, -1] },
];

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected it to throw');
}

describe('streamSpec', () => {
  it("starts the state at zeros of the input's declared shape, symbolic dims taken as 1", () => {
    const { spec, carried } = streamSpec({ state: { stateN: 'state' } }, inputs, outputs);
    expect(spec?.state).toEqual({ stateN: 'state' });
    expect(spec?.initial.state).toEqual({ dtype: 'float32', dims: [2, 1, 128], data: new Float32Array(256) });
    expect([...carried]).toEqual([['state', 'stateN']]);
  });

  it('keeps a stream without state on the page: no spec', () => {
    expect(streamSpec(undefined, inputs, outputs).spec).toBeUndefined();
  });

  it('names an output the model lacks, with the one meant', () => {
    const error = errorOf(() => streamSpec({ state: { staten: 'state' } }, inputs, outputs));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("output 'staten', which the model lacks (did you mean 'stateN'?)");
    expect((error as InputError).output).toBe('staten');
  });

  it('names an input the model lacks', () => {
    const error = errorOf(() => streamSpec({ state: { stateN: 'h0' } }, inputs, outputs));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("input 'h0', which the model lacks");
    expect((error as InputError).input).toBe('h0');
  });

  it('rejects an initial value of the wrong dims, naming the input', () => {
    const state = { dtype: 'float32', dims: [2, 1, 64], data: new Float32Array(128) };
    const error = errorOf(() => streamSpec({ state: { stateN: 'state' }, initial: { state } }, inputs, outputs));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe("stream option initial: input 'state' expects dims [2, ?, 128], got [2, 1, 64]");
  });

  it('rejects an initial value for an input that is not state', () => {
    const sr = { dtype: 'int64', dims: [], data: new BigInt64Array([16000n]) };
    const error = errorOf(() => streamSpec({ state: { stateN: 'state' }, initial: { sr } }, inputs, outputs));
    expect(error.message).toContain("names 'sr', which is not a state input");
  });

  it('rejects an unknown option with an OptionError', () => {
    expect(errorOf(() => streamSpec({ states: {} }, inputs, outputs))).toBeInstanceOf(OptionError);
  });
});

describe('checkIterationOptions', () => {
  it('rejects a maxInFlight that is not a positive integer, naming the option', () => {
    const error = errorOf(() => checkIterationOptions('results', { maxInFlight: 0 }));
    expect(error).toBeInstanceOf(OptionError);
    expect(error.message).toBe('results option maxInFlight must be a positive integer, got 0');
  });
});

describe('validateFeeds with inputs a stream carries', () => {
  const carried = new Map([['state', 'stateN']]);
  const input = { dtype: 'float32', dims: [1, 512], data: new Float32Array(512) };
  const sr = { dtype: 'int64', dims: [], data: new BigInt64Array([16000n]) };

  it('accepts feeds without them', () => {
    expect(() => validateFeeds({ input, sr }, inputs, carried)).not.toThrow();
  });

  it('rejects feeds that give one, naming it and the output that feeds it', () => {
    const state = { dtype: 'float32', dims: [2, 1, 128], data: new Float32Array(256) };
    const error = errorOf(() => validateFeeds({ input, sr, state }, inputs, carried));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("input 'state' is the stream's state (fed by output 'stateN'");
    expect((error as InputError).input).toBe('state');
  });
});
