// Delivery of one file to the worker: from Cache Storage when a valid copy is there, else from the
// network, verified (integrity, not an HTML page) before anything uses or caches the bytes.
import type { CachedKind } from '../cache-entry.js';
import { LoadError } from '../errors.js';
import type { ProgressSink, WarningSink } from '../protocol.js';
import type { CacheMode } from '../types.js';
import { download, type Downloaded } from './download.js';
import { checkIntegritySyntax, verifyIntegrity } from './integrity.js';
import { findCached, openCache, storeCached, type CachedCopy } from './model-cache.js';

export interface FetchOptions {
  kind: CachedKind;
  /** What the file is, for messages: 'model', 'onnxruntime-web runtime file'. */
  what: string;
  /** SRI string the bytes must match. */
  integrity?: string | undefined;
  cache: CacheMode;
  /**
   * The version a cached copy must have (runtime binaries, whose URL stays the same across SDK
   * releases). Known only once the runtime module has loaded, so it is awaited late.
   */
  version?: Promise<string> | undefined;
  onProgress?: ProgressSink | undefined;
  onWarning?: WarningSink | undefined;
  /** Appended to HTTP error messages: the likely fix. */
  hint?: string | undefined;
}

// Markup openings only: a lone '<' (0x3C) is a plausible first byte of a binary weight shard.
const htmlStart = /^<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|!--|meta\s|title>|script[\s>])/i;

function looksLikeHtml(head: Uint8Array): boolean {
  return htmlStart.test(new TextDecoder().decode(head.subarray(0, 64)).trimStart());
}

function checkBytes(bytes: Uint8Array, url: string, what: string): void {
  if (bytes.byteLength === 0) throw new LoadError(`${what} ${url} is empty (0 bytes)`, { source: url });
  if (looksLikeHtml(bytes)) {
    throw new LoadError(
      `${what} ${url} is an HTML page, not a ${what}: the server answered this URL with a page (a wrong path, or a dev server's fallback)`,
      { source: url },
    );
  }
}

/** A cached copy that may be used without asking the network, or undefined. */
async function usableCopy(cache: Cache, url: string, options: FetchOptions): Promise<CachedCopy | undefined> {
  // An integrity pins the content: only a copy stored under that same digest will do.
  if (options.integrity !== undefined) return findCached(cache, url, `sri:${options.integrity.trim()}`);
  const copy = await findCached(cache, url);
  if (copy === undefined || options.version === undefined) return copy;
  const version = await options.version.catch(() => undefined);
  return copy.tag === `version:${version}` ? copy : undefined;
}

async function downloadOrRevalidate(url: string, copy: CachedCopy | undefined, options: FetchOptions): Promise<Downloaded | CachedCopy> {
  const onProgress = options.onProgress;
  const got = await download(url, {
    what: options.what,
    hint: options.hint,
    revalidate: copy?.tag,
    onProgress: onProgress && ((loaded, total) => onProgress({ phase: 'download', loaded, total })),
  }).catch((error: unknown) => {
    // Offline (the network failed): a copy we meant to revalidate is better than nothing.
    // (fetch rejects with a TypeError; an HTTP error status has no cause and is reported as such.)
    if (copy !== undefined && error instanceof LoadError && error.cause instanceof TypeError) return 'not-modified' as const;
    throw error;
  });
  return got === 'not-modified' ? (copy as CachedCopy) : got;
}

async function tagFor(downloaded: Downloaded, options: FetchOptions): Promise<string | undefined> {
  if (options.integrity !== undefined) return `sri:${options.integrity.trim()}`;
  if (options.version === undefined) return downloaded.tag;
  const version = await options.version.catch(() => undefined);
  return version === undefined ? undefined : `version:${version}`;
}

async function store(cache: Cache, url: string, downloaded: Downloaded, options: FetchOptions): Promise<void> {
  const tag = await tagFor(downloaded, options);
  if (tag === undefined) return; // the runtime failed to load: its error is reported elsewhere
  const notStored = await storeCached(cache, url, tag, options.kind, downloaded.bytes);
  if (notStored === undefined) return;
  options.onWarning?.({
    code: notStored.code,
    source: url,
    message: `${options.what} ${url} was loaded but not cached (${notStored.reason}); it runs, and will be downloaded again next time`,
  });
}

/**
 * Delivers `url` as bytes: a cached copy when one is valid ('cache' progress), otherwise a download
 * ('download' progress) that is checked and then cached. Caching never fails the load: problems
 * with it are reported through `onWarning`.
 */
export async function fetchFile(url: string, options: FetchOptions): Promise<Uint8Array> {
  if (options.integrity !== undefined) checkIntegritySyntax(options.integrity, url);
  const cache = options.cache === false ? undefined : await openCache();
  if (options.cache !== false && cache === undefined) {
    options.onWarning?.({ code: 'cache-unavailable', source: url, message: `Cache Storage is unavailable here (an insecure context, or storage is blocked): ${url} is not cached` });
  }
  const copy = cache === undefined ? undefined : await usableCopy(cache, url, options);
  // A copy stored under the integrity digest asked for is that content: there is nothing to revalidate.
  const pinned = options.integrity !== undefined;
  if (copy !== undefined && (options.cache !== 'revalidate' || pinned)) {
    options.onProgress?.({ phase: 'cache', loaded: copy.bytes.byteLength, total: copy.bytes.byteLength });
    return copy.bytes;
  }
  const got = await downloadOrRevalidate(url, copy, options);
  if (got === copy) {
    options.onProgress?.({ phase: 'cache', loaded: got.bytes.byteLength, total: got.bytes.byteLength });
    return got.bytes;
  }
  checkBytes(got.bytes, url, options.what);
  if (options.integrity !== undefined) await verifyIntegrity(got.bytes, options.integrity, url);
  if (cache !== undefined) await store(cache, url, got as Downloaded, options);
  return got.bytes;
}

/** Delivers a model file: see fetchFile. */
export function fetchModel(url: string, options: Omit<FetchOptions, 'kind' | 'what'>): Promise<Uint8Array> {
  return fetchFile(url, { ...options, kind: 'model', what: 'model' });
}
