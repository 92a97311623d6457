import { transferHandlers, type TransferHandler } from 'comlink';
import { fromWire, isWireError, toWire, WebinferError } from './errors.js';

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
    serialize: (thrown) =>
      thrown.value instanceof WebinferError
        ? [{ isError: false, value: toWire(thrown.value) }, []]
        : original.serialize(thrown),
    deserialize: (serialized) => {
      if (!serialized.isError && isWireError(serialized.value)) throw fromWire(serialized.value);
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
