import { OutOfMemoryError } from '../shared/errors.js';
import { formatDims } from '../shared/dtypes.js';
import type { Tensors } from '../shared/types.js';

/**
 * Largest output that can cross back to the page, in bytes. Chromium's postMessage fails the whole
 * message ("Unserializable return value") once one transferred buffer passes about 2 GiB: 2000 MiB
 * was seen to pass, 2400 MiB to fail.
 */
const maxOutputBytes = 2000 * 2 ** 20;

/** An OutOfMemoryError naming the first output too large to send, or undefined when all fit. */
export function oversizeOutput(outputs: Tensors): OutOfMemoryError | undefined {
  for (const [name, tensor] of Object.entries(outputs)) {
    const bytes = tensor.data.byteLength;
    if (bytes <= maxOutputBytes) continue;
    return new OutOfMemoryError(
      `output '${name}' has dims ${formatDims(tensor.dims)}: ${bytes} bytes, more than the ${maxOutputBytes} ` +
        `(2000 MiB) one tensor can carry back to the page; ask for fewer rows per call`,
      { output: name },
    );
  }
  return undefined;
}
