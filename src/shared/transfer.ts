// Handing tensors and bytes to the other thread: transferred whole buffers, never clones.
import type { Tensor, TensorData, Tensors } from './types.js';

function coversWholeBuffer(data: ArrayBufferView): boolean {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

/**
 * The ArrayBuffer to hand over for `bytes`: its own buffer when it covers all of it (transferred,
 * no copy), else a copy of just these bytes, so that a caller's larger buffer is never detached.
 */
export function sendableBuffer(bytes: Uint8Array): ArrayBuffer {
  return (
    coversWholeBuffer(bytes) && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer
  ) as ArrayBuffer;
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
  for (const buffer of transfer)
    moved.set(buffer, ((buffer as ArrayBufferWithTransfer).transfer as () => ArrayBuffer).call(buffer));
  for (const tensors of prepared) {
    for (const tensor of Object.values(tensors)) {
      const buffer = moved.get(tensor.data.buffer as ArrayBuffer);
      // Every prepared array covers its whole buffer, so the moved buffer is all of it.
      if (buffer !== undefined) {
        (tensor as { data: TensorData }).data = new (
          tensor.data.constructor as new (
            buffer: ArrayBuffer,
          ) => TensorData
        )(buffer);
      }
    }
  }
  return new Set(moved.values());
}

/**
 * What to transfer when posting `value` (a task's input or result): the buffer of every typed array
 * that covers all of it, every bare ArrayBuffer and every ImageBitmap, found in plain objects and
 * arrays. A view into part of a larger buffer is left to be cloned: transferring it would detach
 * memory the sender still uses for other things.
 */
export function transferablesOf(value: unknown): Transferable[] {
  const found = new Set<Transferable>();
  const seen = new Set<object>();
  const visit = (item: unknown): void => {
    if (typeof item !== 'object' || item === null || seen.has(item)) return;
    seen.add(item);
    if (item instanceof ArrayBuffer) found.add(item);
    else if (ArrayBuffer.isView(item)) {
      if (coversWholeBuffer(item) && item.buffer instanceof ArrayBuffer) found.add(item.buffer);
    } else if (typeof ImageBitmap !== 'undefined' && item instanceof ImageBitmap) found.add(item);
    else if (Array.isArray(item)) for (const element of item) visit(element);
    else if (Object.getPrototypeOf(item) === Object.prototype) for (const field of Object.values(item)) visit(field);
  };
  visit(value);
  return [...found];
}
