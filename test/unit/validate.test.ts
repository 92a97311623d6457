import { describe, expect, it } from 'vitest';
import { InputError, OutOfMemoryError } from '../../src/shared/errors.js';
import type { TensorInfo } from '../../src/shared/types.js';
import { maxTensorBytes, validateFeeds } from '../../src/page/validate.js';

const features: TensorInfo = { name: 'features', dtype: 'float32', shape: ['batch', 8] };
const mask: TensorInfo = { name: 'mask', dtype: 'int64', shape: ['batch', 'seq'] };
const model = [features, mask];

const validFeeds = () => ({
  features: { dtype: 'float32', dims: [2, 8], data: new Float32Array(16) },
  mask: { dtype: 'int64', dims: [2, 5], data: new BigInt64Array(10) },
});

/** Runs validation and returns the InputError it throws, failing the test if it throws nothing else. */
function inputErrorOf(feeds: unknown, inputs: readonly TensorInfo[] = model): InputError {
  try {
    validateFeeds(feeds, inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected validateFeeds to throw an InputError');
}

describe('validateFeeds', () => {
  it('returns a valid feeds object unchanged, as the same reference', () => {
    const feeds = validFeeds();
    expect(validateFeeds(feeds, model)).toBe(feeds);
  });

  describe('rejects anything that is not a feeds object', () => {
    it.each([
      ['null', null, 'got null'],
      ['an array', [new Float32Array(8)], 'got an Array'],
      ['a typed array', new Float32Array(8), 'got Float32Array'],
      ['a number', 3, 'got number'],
    ])('rejects %s and says what it got', (_label, feeds, got) => {
      const error = inputErrorOf(feeds);
      expect(error.message).toContain('predict expects a feeds object');
      expect(error.message).toContain(got);
      expect(error.input).toBeUndefined();
    });
  });

  it('rejects an unknown input name, naming it and listing the names the model expects', () => {
    const error = inputErrorOf({ ...validFeeds(), featurs: validFeeds().features });
    expect(error.input).toBe('featurs');
    expect(error.message).toContain("unknown input 'featurs'");
    expect(error.message).toContain("'features', 'mask'");
  });

  it('rejects a feeds object that lacks an input, naming it with its dtype and shape', () => {
    const { features: only } = validFeeds();
    const error = inputErrorOf({ features: only });
    expect(error.input).toBe('mask');
    expect(error.message).toContain("missing input 'mask' (int64 [batch, seq])");
  });

  it('rejects a tensor that is not an object', () => {
    const error = inputErrorOf({ ...validFeeds(), features: new Float32Array(16) });
    expect(error.input).toBe('features');
    expect(error.message).toContain('must be a tensor { dtype, dims, data }, got Float32Array');
  });

  it('rejects a dtype other than the one the model declares', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float64', dims: [2, 8], data: new Float64Array(16) },
    });
    expect(error.input).toBe('features');
    expect(error.message).toContain('expects dtype float32, got float64');
  });

  it("hints 'dtype' to a tensor written with onnxruntime-web's key 'type'", () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { type: 'float32', dims: [2, 8], data: new Float32Array(16) },
    });
    expect(error.message).toBe(
      "input 'features' expects dtype float32, got undefined; the key is 'dtype', not 'type' (onnxruntime-web's name)",
    );
  });

  it("hints 'dims' to a tensor written with TF.js's key 'shape'", () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', shape: [2, 8], data: new Float32Array(16) },
    });
    expect(error.message).toBe(
      "input 'features' dims must be an array of non-negative integers, got undefined; the key is 'dims', not " +
        "'shape' (TF.js's name)",
    );
  });

  it('gives no key hint when the right key is there with a wrong value', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'int32', type: 'float32', dims: [2, 8], data: new Int32Array(16) },
    });
    expect(error.message).toBe("input 'features' expects dtype float32, got int32");
  });

  it.each([
    ['a plain Array', Array.from({ length: 16 }, () => 0), 'an Array'],
    ['a Float64Array', new Float64Array(16), 'Float64Array'],
    ['a Uint8Array', new Uint8Array(16), 'Uint8Array'],
  ])('rejects %s as data of a float32 input, naming the array type it needs', (_label, data, got) => {
    const error = inputErrorOf({ ...validFeeds(), features: { dtype: 'float32', dims: [2, 8], data } });
    expect(error.input).toBe('features');
    expect(error.message).toContain(`is float32, so its data must be a Float32Array, got ${got}`);
  });

  it('accepts a Uint8Array for a bool input and a Uint16Array for a float16 input', () => {
    const inputs: TensorInfo[] = [
      { name: 'flags', dtype: 'bool', shape: [3] },
      { name: 'half', dtype: 'float16', shape: [2] },
    ];
    const feeds = {
      flags: { dtype: 'bool', dims: [3], data: new Uint8Array([1, 0, 1]) },
      half: { dtype: 'float16', dims: [2], data: new Uint16Array(2) },
    };
    expect(validateFeeds(feeds, inputs)).toBe(feeds);
  });

  const Float16 = (globalThis as { Float16Array?: new (length: number) => ArrayBufferView }).Float16Array;
  it.skipIf(Float16 === undefined)('accepts a native Float16Array for a float16 input, and only there', () => {
    const F16 = Float16 as new (length: number) => ArrayBufferView;
    const half: TensorInfo = { name: 'half', dtype: 'float16', shape: [4] };
    const feeds = { half: { dtype: 'float16', dims: [4], data: new F16(4) } };
    expect(validateFeeds(feeds, [half])).toBe(feeds);
    const asFloat32 = { half: { dtype: 'float32', dims: [4], data: new F16(4) } };
    expect(inputErrorOf(asFloat32, [{ ...half, dtype: 'float32' }]).message).toContain('must be a Float32Array');
  });

  it('rejects an array whose buffer was transferred away, and says to pass a fresh one', () => {
    const data = new Float32Array(16);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(data.byteLength).toBe(0);
    const error = inputErrorOf({ ...validFeeds(), features: { dtype: 'float32', dims: [2, 8], data } });
    expect(error.input).toBe('features');
    expect(error.message).toContain('detached buffer');
    expect(error.message).toContain('pass a fresh array');
  });

  it.each([
    ['negative', [-2, 8]],
    ['fractional', [1.5, 8]],
    ['NaN', [Number.NaN, 8]],
    ['non-numeric', ['2', 8]],
  ])('rejects %s dims', (_label, dims) => {
    const error = inputErrorOf({ ...validFeeds(), features: { dtype: 'float32', dims, data: new Float32Array(16) } });
    expect(error.input).toBe('features');
    expect(error.message).toContain('dims must be an array of non-negative integers');
  });

  it('quotes dims given as strings, so that they do not read as valid numbers', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', dims: ['2', '8'], data: new Float32Array(16) },
    });
    expect(error.message).toContain("got ['2', '8']");
  });

  it('rejects dims that are not an array', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', dims: 16, data: new Float32Array(16) },
    });
    expect(error.message).toContain('dims must be an array of non-negative integers, got number');
  });

  it('rejects a rank other than the declared one, stating both ranks', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', dims: [16], data: new Float32Array(16) },
    });
    expect(error.input).toBe('features');
    expect(error.message).toBe("input 'features' expects dims [batch, 8], got [16] (rank 2, not 1)");
  });

  it('rejects a fixed dim of the wrong size, with the declared and given dims', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', dims: [1, 7], data: new Float32Array(7) },
    });
    expect(error.input).toBe('features');
    expect(error.message).toBe("input 'features' expects dims [batch, 8], got [1, 7]");
  });

  it('rejects data whose length does not match the dims', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      features: { dtype: 'float32', dims: [2, 8], data: new Float32Array(15) },
    });
    expect(error.input).toBe('features');
    expect(error.message).toBe("input 'features' has dims [2, 8] (16 elements), but its data holds 15");
  });

  it('rejects two inputs that give one symbolic dim different sizes, naming both', () => {
    const error = inputErrorOf({
      ...validFeeds(),
      mask: { dtype: 'int64', dims: [3, 5], data: new BigInt64Array(15) },
    });
    expect(error.input).toBe('mask');
    expect(error.message).toBe("inputs 'features' and 'mask' disagree on dim 'batch': 2 vs 3");
  });

  it('lets a symbolic dim take any size when the inputs agree on it', () => {
    const feeds = {
      features: { dtype: 'float32', dims: [7, 8], data: new Float32Array(56) },
      mask: { dtype: 'int64', dims: [7, 1], data: new BigInt64Array(7) },
    };
    expect(validateFeeds(feeds, model)).toBe(feeds);
  });

  // An empty batch must not pass for a detached buffer, also where ArrayBuffer.prototype.detached is
  // missing (Node 20, Safari < 17.4, Firefox < 122).
  it('accepts an empty batch (dim 0 = 0) with empty data', () => {
    const feeds = {
      features: { dtype: 'float32', dims: [0, 8], data: new Float32Array(0) },
      mask: { dtype: 'int64', dims: [0, 5], data: new BigInt64Array(0) },
    };
    expect(validateFeeds(feeds, model)).toBe(feeds);
  });

  it('lets an unnamed dynamic dim (-1) take any size, independently in each input', () => {
    const inputs: TensorInfo[] = [
      { name: 'a', dtype: 'float32', shape: [-1, 2] },
      { name: 'b', dtype: 'float32', shape: [-1] },
    ];
    const feeds = {
      a: { dtype: 'float32', dims: [3, 2], data: new Float32Array(6) },
      b: { dtype: 'float32', dims: [5], data: new Float32Array(5) },
    };
    expect(validateFeeds(feeds, inputs)).toBe(feeds);
  });
});

describe('validateFeeds on tensors too big to carry', () => {
  const bytesIn: TensorInfo[] = [{ name: 'pixels', dtype: 'uint8', shape: [-1] }];

  it('rejects a tensor over 1 GiB with an OutOfMemoryError naming the input, before anything is sent', () => {
    // Untouched pages of a zeroed allocation cost no real memory.
    const data = new Uint8Array(maxTensorBytes + 1);
    const error = (() => {
      try {
        validateFeeds({ pixels: { dtype: 'uint8', dims: [data.length], data } }, bytesIn);
      } catch (caught) {
        return caught as OutOfMemoryError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error?.input).toBe('pixels');
    expect(error?.message).toContain("input 'pixels' has dims [1073741825]");
  });

  it('accepts a tensor of exactly 1 GiB', () => {
    const data = new Uint8Array(maxTensorBytes);
    const feeds = { pixels: { dtype: 'uint8', dims: [data.length], data } };
    expect(validateFeeds(feeds, bytesIn)).toBe(feeds);
  });
});
