import { transferHandlers, type TransferHandler } from 'comlink';
import { asWebinferError, fromWire, isWireError, toWire } from './errors.js';

type Thrown = { value: unknown };
type Serialized = { isError: boolean; value: unknown };

/**
 * Comlink sends a thrown Error as name/message/stack only, so the page would get a plain Error.
 * This swaps in a handler that carries webinfer's error class and context across, on both sides.
 */
export function installErrorTransfer(): void {
  const original = transferHandlers.get('throw') as TransferHandler<Thrown, Serialized>;
  if ((original as { webinfer?: true }).webinfer) return;
  const handler: TransferHandler<Thrown, Serialized> & { webinfer: true } = {
    webinfer: true,
    canHandle: (value): value is Thrown => original.canHandle(value),
    // Whatever was thrown travels as a WireError, like a predict call's error in its outcome: the other
    // side always gets one of webinfer's classes, never a bare Error.
    serialize: (thrown) => [{ isError: false, value: toWire(asWebinferError(thrown.value)) }, []],
    deserialize: (serialized) => {
      if (!serialized.isError && isWireError(serialized.value)) throw fromWire(serialized.value);
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
