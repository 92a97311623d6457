// Subresource Integrity (SRI) checks of downloaded bytes, with SubtleCrypto, before anything uses
// or caches them. Syntax as in <script integrity>: `sha256-<base64>`, several tokens allowed.
import { IntegrityError, OptionError } from '../../shared/errors.js';

const algorithms = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;
type Algorithm = keyof typeof algorithms;
// SRI: when tokens of several algorithms are given, only the strongest counts.
const strength: readonly Algorithm[] = ['sha512', 'sha384', 'sha256'];

interface Digest {
  algorithm: Algorithm;
  base64: string;
}

function parse(integrity: string, url: string): Digest[] {
  const digests: Digest[] = [];
  for (const token of integrity.trim().split(/\s+/)) {
    // Options after '?' are reserved by SRI and ignored.
    const match = /^(sha256|sha384|sha512)-([A-Za-z0-9+/_-]+={0,2})(\?.*)?$/.exec(token);
    if (match === null) {
      throw new OptionError(
        `integrity for ${url} must be an SRI string like 'sha256-<base64>' (sha256, sha384 or sha512), got '${token}'`,
        { source: url, option: 'integrity' },
      );
    }
    digests.push({ algorithm: match[1] as Algorithm, base64: match[2] as string });
  }
  return digests;
}

function toBase64(buffer: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// SRI accepts base64url too; compare in one alphabet.
const canonical = (base64: string): string => base64.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');

/** The SRI string of `bytes` under one algorithm: the "actual" digest of an error message. */
async function digestOf(bytes: Uint8Array, algorithm: Algorithm, url: string): Promise<string> {
  // SubtleCrypto exists only in secure contexts; without it `crypto.subtle` is undefined.
  if (globalThis.crypto?.subtle === undefined) {
    throw new OptionError(
      `integrity for ${url} cannot be checked: integrity needs SubtleCrypto, which exists only in secure ` +
        `contexts (https or localhost); serve the page over https, or drop the integrity option`,
      { source: url, option: 'integrity' },
    );
  }
  const hash = await crypto.subtle.digest(algorithms[algorithm], bytes as Uint8Array<ArrayBuffer>);
  return `${algorithm}-${toBase64(hash)}`;
}

/** Resolves when `bytes` match `integrity`; rejects with IntegrityError naming both digests otherwise. */
export async function verifyIntegrity(bytes: Uint8Array, integrity: string, url: string): Promise<void> {
  const digests = parse(integrity, url);
  const algorithm = strength.find((name) => digests.some((digest) => digest.algorithm === name)) as Algorithm;
  const actual = await digestOf(bytes, algorithm, url);
  const actualBase64 = canonical(actual.slice(algorithm.length + 1));
  if (digests.some((digest) => digest.algorithm === algorithm && canonical(digest.base64) === actualBase64)) return;
  throw new IntegrityError(
    `integrity check failed for ${url}: expected ${integrity.trim()}, got ${actual}; the file changed on the ` +
      `server, or the digest is wrong. Nothing was cached.`,
    { source: url },
  );
}

/** Checks the syntax only, so that a bad option rejects before any download. */
export function checkIntegritySyntax(integrity: string, url: string): void {
  parse(integrity, url);
}
