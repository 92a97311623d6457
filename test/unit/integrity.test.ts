import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntegrityError, OptionError } from '../../src/shared/errors.js';
import { checkIntegritySyntax, verifyIntegrity } from '../../src/worker/delivery/integrity.js';

const url = 'https://example.test/model.onnx';
const bytes = new TextEncoder().encode('the model bytes');
const other = new TextEncoder().encode('other bytes');
const sri = (algorithm: 'sha256' | 'sha384' | 'sha512', data: Uint8Array) =>
  `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('verifyIntegrity', () => {
  it('resolves when the bytes match the digest, for sha256, sha384 and sha512', async () => {
    for (const algorithm of ['sha256', 'sha384', 'sha512'] as const) {
      await expect(verifyIntegrity(bytes, sri(algorithm, bytes), url)).resolves.toBeUndefined();
    }
  });

  it('accepts a base64url digest without padding, and ignores options after ?', async () => {
    const base64url = sri('sha256', bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expect(verifyIntegrity(bytes, `${base64url}?ct=application/octet-stream`, url)).resolves.toBeUndefined();
  });

  it('rejects changed bytes with an IntegrityError naming the file, the expected and the actual digest', async () => {
    const expected = sri('sha256', other);
    const error = await verifyIntegrity(bytes, expected, url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).source).toBe(url);
    expect((error as Error).message).toContain(`expected ${expected}, got ${sri('sha256', bytes)}`);
    expect((error as Error).message).toContain('Nothing was cached');
  });

  it('checks only the strongest algorithm given: a matching sha256 does not save a wrong sha512', async () => {
    await expect(verifyIntegrity(bytes, `${sri('sha256', bytes)} ${sri('sha512', other)}`, url)).rejects.toBeInstanceOf(
      IntegrityError,
    );
    await expect(
      verifyIntegrity(bytes, `${sri('sha256', other)} ${sri('sha512', bytes)}`, url),
    ).resolves.toBeUndefined();
  });

  it('resolves when any one of several digests of the strongest algorithm matches', async () => {
    await expect(
      verifyIntegrity(bytes, `${sri('sha384', other)}  ${sri('sha384', bytes)}`, url),
    ).resolves.toBeUndefined();
  });

  it('rejects with an OptionError saying why when SubtleCrypto is missing (not a secure context)', async () => {
    vi.stubGlobal('crypto', undefined);
    const error = await verifyIntegrity(bytes, sri('sha256', bytes), url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toContain('only in secure contexts');
  });
});

describe('checkIntegritySyntax', () => {
  it('accepts SRI strings of one or several tokens', () => {
    expect(() => checkIntegritySyntax(`${sri('sha256', bytes)} ${sri('sha512', bytes)}`, url)).not.toThrow();
  });

  it('rejects a malformed token with an OptionError naming the file and the token, before any download', () => {
    for (const bad of ['md5-abc', 'sha256:abc', 'sha256-', 'sha1-AAAA']) {
      expect(() => checkIntegritySyntax(bad, url)).toThrow(OptionError);
      expect(() => checkIntegritySyntax(bad, url)).toThrow(
        `integrity for ${url} must be an SRI string like 'sha256-<base64>'`,
      );
      expect(() => checkIntegritySyntax(bad, url)).toThrow(`got '${bad}'`);
    }
  });
});
