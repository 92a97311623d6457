// SHA-256 fingerprints, for the page (outputDigest) and the worker (provenance, the probe's verdicts).
import type { Tensors } from './types.js';

const encoder = new TextEncoder();

/**
 * SHA-256 (hex) of these bytes, one after another; undefined where SubtleCrypto is missing: it exists
 * only in secure contexts (https or localhost), and a plain-http page must still load its models.
 */
export async function sha256Hex(parts: readonly Uint8Array[]): Promise<string | undefined> {
  if (globalThis.crypto?.subtle === undefined) return undefined;
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 (hex) over each tensor's name, dtype, dims and bytes, in name order (see sha256Hex). */
export function tensorsDigest(tensors: Tensors): Promise<string | undefined> {
  const parts: Uint8Array[] = [];
  for (const name of Object.keys(tensors).sort()) {
    const { dtype, dims, data } = tensors[name] as Tensors[string];
    parts.push(encoder.encode(`${name}\0${dtype}\0${dims.join(',')}\0`));
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return sha256Hex(parts);
}
