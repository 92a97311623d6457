import { tensorsDigest } from '../shared/digest.js';
import { WebinferError } from '../shared/errors.js';
import type { Tensors } from '../shared/types.js';

/**
 * A fingerprint of a result: SHA-256 (hex) over each output's name, dtype, dims and bytes, in name
 * order. Equal outputs give equal digests, bit for bit, on any machine: log it beside
 * `model.provenance` to tell whether two runs answered the same. Needs SubtleCrypto (a secure context).
 */
export async function outputDigest(outputs: Tensors): Promise<string> {
  const digest = await tensorsDigest(outputs);
  if (digest === undefined) {
    throw new WebinferError(
      'outputDigest needs SubtleCrypto, which exists only in secure contexts (https or localhost); serve the page over https',
    );
  }
  return digest;
}
