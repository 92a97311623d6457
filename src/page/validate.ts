import { InputError, OutOfMemoryError } from '../shared/errors.js';
import { arrayTypes, elementCount, formatDims, isDataOfDtype, isSymbolic } from '../shared/dtypes.js';
import type { Dim, TensorInfo, Tensors } from '../shared/types.js';
import { isPlainObject } from './option-checks.js';

/**
 * Largest tensor accepted, in bytes. Chromium's postMessage refuses ArrayBuffers a little under
 * 2 GiB (1.5 GiB passes, 2047 MiB does not), and the 32-bit wasm heap (4 GiB) must also hold the
 * model and its intermediates: 1 GiB is what reliably runs.
 */
export const maxTensorBytes = 2 ** 30;

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an Array'
      : ArrayBuffer.isView(value)
        ? value.constructor.name
        : typeof value;

/** Dims as given, strings quoted: `['1', '8']` must not read as the valid [1, 8]. */
const quotedDims = (dims: readonly unknown[]): string =>
  `[${dims.map((d) => (typeof d === 'string' ? `'${d}'` : String(d))).join(', ')}]`;

function isDetached(data: ArrayBufferView): boolean {
  if (data.byteLength > 0) return false;
  // ArrayBuffer.prototype.detached is recent; a view over a detached buffer cannot be built anywhere.
  try {
    new Uint8Array(data.buffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * Checks one feeds object against the model's declared inputs without reading the data (so a
 * 64 MiB tensor costs nothing here) and returns it typed, or throws an InputError naming the input.
 * `carried` names the inputs a stream supplies (input → the output that feeds it): they must be left out.
 */
export function validateFeeds(
  feeds: unknown,
  inputs: readonly TensorInfo[],
  carried: ReadonlyMap<string, string> = new Map(),
): Tensors {
  if (!isPlainObject(feeds)) {
    throw new InputError(`predict expects a feeds object { inputName: { dtype, dims, data } }, got ${describe(feeds)}`);
  }
  const expectedNames = (): string => inputs.map((info) => `'${info.name}'`).join(', ');
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((info) => info.name === name)) {
      throw new InputError(`unknown input '${name}'; the model's inputs are ${expectedNames()}`, { input: name });
    }
  }
  const symbolValues = new Map<string, { value: number; input: string }>();
  for (const info of inputs) {
    const tensor = feeds[info.name];
    const carrier = carried.get(info.name);
    if (carrier !== undefined) {
      if (tensor === undefined) continue;
      throw new InputError(
        `input '${info.name}' is the stream's state (fed by output '${carrier}' of the call before); leave it ` +
          'out of the feeds, or pass its first value as the stream option initial',
        { input: info.name },
      );
    }
    if (tensor === undefined) {
      throw new InputError(
        `missing input '${info.name}' (${info.dtype} ${formatDims(info.shape)}); the model's inputs are ` +
          `${expectedNames()}`,
        { input: info.name },
      );
    }
    checkTensor(info, tensor);
    checkSymbols(info, (tensor as { dims: number[] }).dims, symbolValues);
  }
  return feeds as Tensors;
}

/** Other runtimes' names for a tensor's keys: a tensor written their way gets a hint, not only "got undefined". */
const foreignKeys = {
  dtype: { key: 'type', whose: "onnxruntime-web's" },
  dims: { key: 'shape', whose: "TF.js's" },
} as const;

function keyHint(tensor: object, key: keyof typeof foreignKeys): string {
  const foreign = foreignKeys[key];
  const missing = (tensor as Record<string, unknown>)[key] === undefined && foreign.key in tensor;
  return missing ? `; the key is '${key}', not '${foreign.key}' (${foreign.whose} name)` : '';
}

function checkTensor(info: TensorInfo, tensor: unknown): void {
  const fail = (problem: string): never => {
    throw new InputError(`input '${info.name}' ${problem}`, { input: info.name });
  };
  if (!isPlainObject(tensor)) fail(`must be a tensor { dtype, dims, data }, got ${describe(tensor)}`);
  const { dtype, dims, data } = tensor as Record<string, unknown>;
  if (dtype !== info.dtype)
    fail(`expects dtype ${info.dtype}, got ${String(dtype)}${keyHint(tensor as object, 'dtype')}`);
  if (!isDataOfDtype(data, info.dtype)) {
    fail(`is ${info.dtype}, so its data must be a ${arrayTypes[info.dtype].name}, got ${describe(data)}`);
  }
  const array = data as ArrayBufferView & { length: number };
  if (typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer) {
    fail(
      'is backed by a SharedArrayBuffer, which cannot be handed over safely while other threads write it; pass ' +
        'a copy (new Float32Array(data) or data.slice())',
    );
  }
  if (isDetached(array)) {
    fail('has a detached buffer: an earlier predict call transferred it to the worker; pass a fresh array');
  }
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(
      `dims must be an array of non-negative integers, got ${Array.isArray(dims) ? quotedDims(dims) : describe(dims)}` +
        keyHint(tensor as object, 'dims'),
    );
  }
  const given = dims as number[];
  const expected = `expects dims ${formatDims(info.shape)}, got ${formatDims(given)}`;
  if (given.length !== info.shape.length) fail(`${expected} (rank ${info.shape.length}, not ${given.length})`);
  if (info.shape.some((dim, i) => !isSymbolic(dim) && dim !== given[i])) fail(expected);
  const count = elementCount(given);
  if (count !== array.length) {
    fail(`has dims ${formatDims(given)} (${count} elements), but its data holds ${array.length}`);
  }
  const bytes = count * arrayTypes[info.dtype].BYTES_PER_ELEMENT;
  if (bytes > maxTensorBytes) {
    throw new OutOfMemoryError(
      `input '${info.name}' has dims ${formatDims(given)}: ${bytes} bytes, more than the ${maxTensorBytes} (1 ` +
        `GiB) one tensor may carry to the worker; split it into smaller batches`,
      { input: info.name },
    );
  }
}

/** A symbolic dim that appears in several inputs ('batch') must take one value across them. */
function checkSymbols(
  info: TensorInfo,
  dims: readonly number[],
  seen: Map<string, { value: number; input: string }>,
): void {
  info.shape.forEach((dim: Dim, i) => {
    if (typeof dim !== 'string') return;
    const value = dims[i] as number;
    const earlier = seen.get(dim);
    if (earlier === undefined) {
      seen.set(dim, { value, input: info.name });
    } else if (earlier.value !== value) {
      throw new InputError(
        `inputs '${earlier.input}' and '${info.name}' disagree on dim '${dim}': ${earlier.value} vs ${value}`,
        { input: info.name },
      );
    }
  });
}
