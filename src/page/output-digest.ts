import type { Tensors } from '../shared/types.js';

const encoder = new TextEncoder();

/**
 * A fingerprint of a result: SHA-256 (hex) over each output's name, dtype, dims and bytes, in name
 * order. Equal outputs give equal digests, bit for bit, on any machine: log it beside
 * `model.provenance` to tell whether two runs answered the same.
 */
export async function outputDigest(outputs: Tensors): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const name of Object.keys(outputs).sort()) {
    const { dtype, dims, data } = outputs[name] as Tensors[string];
    parts.push(encoder.encode(`${name}\0${dtype}\0${dims.join(',')}\0`));
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
