// Cache Storage for the files the worker downloads (models, runtime binaries). One entry per URL:
// storing a new version deletes the old ones, so the cache does not grow with every release.
import { messageOf } from '../../shared/errors.js';
import { cacheKey, cacheName, headers, keysFor, parseCacheKey, type CachedKind } from '../../shared/cache-layout.js';
import { isQuotaError, roomFor } from './quota.js';

export interface CachedCopy {
  bytes: Uint8Array;
  tag: string;
}

/** The cache, or undefined where there is none (an insecure context, storage disabled). */
export async function openCache(): Promise<Cache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(cacheName);
  } catch {
    return undefined; // e.g. storage blocked for this origin: behave as if caching were off
  }
}

async function read(cache: Cache, key: Request | string): Promise<CachedCopy | undefined> {
  const response = await cache.match(key);
  if (response === undefined) return undefined;
  const tag = parseCacheKey(typeof key === 'string' ? key : key.url)?.tag ?? 'none';
  return { bytes: new Uint8Array(await response.arrayBuffer()), tag };
}

/** The copy of `url` stored under `tag`; with no tag, whichever copy of `url` there is. */
export async function findCached(cache: Cache, url: string, tag?: string): Promise<CachedCopy | undefined> {
  if (tag !== undefined) return read(cache, cacheKey(url, tag));
  const [key] = await keysFor(cache, url);
  return key === undefined ? undefined : read(cache, key);
}

/** Why a file was not stored: too little quota, or the cache failed otherwise. */
export interface NotStored {
  code: 'quota' | 'cache-failed';
  reason: string;
}

/** The keys of the runtime file `name` cached under any URL. */
async function keysOfRuntimeFile(cache: Cache, name: string): Promise<Request[]> {
  const keys = await cache.keys();
  const named = await Promise.all(
    keys.map(async (key) => ((await cache.match(key))?.headers.get(headers.runtimeFile) === name ? key : undefined)),
  );
  return named.filter((key) => key !== undefined);
}

/**
 * Stores `bytes` as the one copy of `url`, and, for a runtime file (`runtimeFile`: its own name), as
 * the one copy of that file: an app's bundler names it by its content, so a new runtime comes at a new
 * URL and the old copy would never be read again. Resolves with undefined when stored, or with why
 * not: a full disk must not fail a load that already has its bytes.
 */
export async function storeCached(
  cache: Cache,
  url: string,
  tag: string,
  kind: CachedKind,
  bytes: Uint8Array,
  runtimeFile?: string,
): Promise<NotStored | undefined> {
  const noRoom = await roomFor(bytes.byteLength);
  if (noRoom !== undefined) return { code: 'quota', reason: noRoom };
  const response = new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': kind === 'runtime' ? 'application/wasm' : 'application/octet-stream',
      'Content-Length': String(bytes.byteLength),
      [headers.url]: url,
      [headers.kind]: kind,
      [headers.cachedAt]: new Date().toISOString(),
      ...(runtimeFile === undefined ? {} : { [headers.runtimeFile]: runtimeFile }),
    },
  });
  const key = cacheKey(url, tag);
  try {
    await cache.put(key, response);
  } catch (error) {
    return {
      code: isQuotaError(error) ? 'quota' : 'cache-failed',
      reason: `the browser refused to store it: ${messageOf(error)}`,
    };
  }
  const versions = [
    ...(await keysFor(cache, url)),
    ...(runtimeFile ? await keysOfRuntimeFile(cache, runtimeFile) : []),
  ];
  const stale = versions.filter((request) => request.url !== new Request(key).url);
  await Promise.all(stale.map((request) => cache.delete(request)));
  return undefined;
}
