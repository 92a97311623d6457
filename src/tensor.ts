import type { Dim, Dtype, Tensor, TensorData, Tensors } from './types.js';

type TypedArrayConstructor = { new (length: number): TensorData; readonly name: string; readonly BYTES_PER_ELEMENT: number };

export const arrayTypes: Readonly<Record<Dtype, TypedArrayConstructor>> = Object.freeze({
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  float16: Uint16Array,
});

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(arrayTypes, value);
}

/** Whether `data` is an array webinfer accepts for `dtype` (float16 also takes a native Float16Array). */
export function isDataOfDtype(data: unknown, dtype: Dtype): data is TensorData {
  if (!ArrayBuffer.isView(data)) return false;
  const name = data.constructor.name;
  return name === arrayTypes[dtype].name || (dtype === 'float16' && name === 'Float16Array');
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** ORT reports an unnamed dynamic dim as -1 or as 4294967295 (-1 read as uint32). */
export function normalizeDim(dim: Dim): Dim {
  return typeof dim === 'number' && (dim < 0 || dim > 0x7fffffff) ? -1 : dim;
}

export function isSymbolic(dim: Dim): boolean {
  return typeof dim === 'string' || dim < 0;
}

export function formatDims(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;
}

function coversWholeBuffer(data: ArrayBufferView): boolean {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

/**
 * The ArrayBuffer to hand over for `bytes`: its own buffer when it covers all of it (transferred,
 * no copy), else a copy of just these bytes, so that a caller's larger buffer is never detached.
 */
export function sendableBuffer(bytes: Uint8Array): ArrayBuffer {
  return (coversWholeBuffer(bytes) && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}

type ArrayBufferWithTransfer = ArrayBuffer & { transfer?: () => ArrayBuffer };

/** Whether this browser can move an ArrayBuffer's memory to a new owner at once, without copying. */
export const canMoveBuffers = typeof (ArrayBuffer.prototype as ArrayBufferWithTransfer).transfer === 'function';

/**
 * Readies tensors to be posted with their buffers transferred, not cloned. An array that covers its
 * whole ArrayBuffer is sent as is (and is detached for the sender). A view into a larger buffer is
 * copied first: structured clone would copy the whole larger buffer, and transferring it would
 * detach memory the caller still owns. Each buffer is listed once, as postMessage requires.
 */
export function prepareTransfer(tensors: Tensors, transfer: Set<ArrayBuffer>): Tensors {
  const prepared: Tensors = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    const data = tensor.data;
    const sendable = coversWholeBuffer(data) && data.buffer instanceof ArrayBuffer ? data : data.slice();
    transfer.add(sendable.buffer as ArrayBuffer);
    prepared[name] = { ...tensor, data: sendable } as Tensor;
  }
  return prepared;
}

/**
 * Detaches the listed buffers from their owners now (ArrayBuffer.prototype.transfer, no copy) rather
 * than at postMessage, and points the prepared tensors at the moved memory: a message posted later
 * then still leaves the caller's arrays as the call did. Runs after every tensor of the call was
 * prepared, so that no view into a buffer is read after that buffer moved.
 */
export function moveBuffers(prepared: readonly Tensors[], transfer: Set<ArrayBuffer>): Set<ArrayBuffer> {
  const moved = new Map<ArrayBuffer, ArrayBuffer>();
  for (const buffer of transfer) moved.set(buffer, ((buffer as ArrayBufferWithTransfer).transfer as () => ArrayBuffer).call(buffer));
  for (const tensors of prepared) {
    for (const tensor of Object.values(tensors)) {
      const buffer = moved.get(tensor.data.buffer as ArrayBuffer);
      // Every prepared array covers its whole buffer, so the moved buffer is all of it.
      if (buffer !== undefined) {
        (tensor as { data: TensorData }).data = new (tensor.data.constructor as new (buffer: ArrayBuffer) => TensorData)(buffer);
      }
    }
  }
  return new Set(moved.values());
}

/** Rows along dim 0 of each request's feeds (all inputs agree; validation saw to that). */
export function rowsOf(feeds: Tensors): number {
  const first = Object.values(feeds)[0];
  return first?.dims[0] ?? 1;
}

/**
 * The array in the form runtimes store it: a native Float16Array is viewed as its raw bits, so that
 * copies move bits rather than convert numbers.
 */
export function storageOf(data: TensorData, dtype: Dtype): TensorData {
  return dtype === 'float16' && !(data instanceof Uint16Array)
    ? new Uint16Array(data.buffer, data.byteOffset, data.length)
    : data;
}

/** Concatenates each named input along dim 0, in request order: one copy per input. */
export function concatRows(requests: readonly Tensors[]): Tensors {
  const first = requests[0];
  if (first === undefined) throw new RangeError('concatRows needs at least one request');
  const batched: Tensors = {};
  for (const [name, head] of Object.entries(first)) {
    const parts = requests.map((feeds) => feeds[name] as Tensor);
    const rows = parts.reduce((sum, part) => sum + (part.dims[0] ?? 0), 0);
    const data = new arrayTypes[head.dtype](parts.reduce((sum, part) => sum + part.data.length, 0));
    let offset = 0;
    for (const part of parts) {
      (data as Float32Array).set(storageOf(part.data, head.dtype) as Float32Array, offset);
      offset += part.data.length;
    }
    batched[name] = { dtype: head.dtype, dims: [rows, ...head.dims.slice(1)], data } as Tensor;
  }
  return batched;
}

/**
 * Splits each output along dim 0 into one slice per request, `rows[i]` rows for request i. Each slice
 * owns its buffer so it can be transferred to its own caller.
 */
export function splitRows(outputs: Tensors, rows: readonly number[]): Tensors[] {
  const total = rows.reduce((sum, n) => sum + n, 0);
  const results: Tensors[] = rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== total) {
      throw new RangeError(
        `output '${name}' has dims ${formatDims(tensor.dims)}; a batch of ${total} rows needs dim 0 = ${total}`,
      );
    }
    const rowLength = total === 0 ? 0 : tensor.data.length / total;
    let start = 0;
    rows.forEach((n, i) => {
      const data = tensor.data.slice(start * rowLength, (start + n) * rowLength);
      (results[i] as Tensors)[name] = { dtype: tensor.dtype, dims: [n, ...tensor.dims.slice(1)], data } as Tensor;
      start += n;
    });
  }
  return results;
}
