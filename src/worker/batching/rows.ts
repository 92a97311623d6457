// Coalesced runs: requests' rows joined along dim 0, and outputs split back per request.
import { arrayTypes, formatDims, storageOf } from '../../shared/dtypes.js';
import type { Tensor, Tensors } from '../../shared/types.js';

/** Rows along dim 0 of each request's feeds (all inputs agree; validation saw to that). */
export function rowsOf(feeds: Tensors): number {
  const first = Object.values(feeds)[0];
  return first?.dims[0] ?? 1;
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
