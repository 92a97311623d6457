// Delivery of one file to the worker: from Cache Storage when a valid copy is there, else from the
// network, verified (integrity, not an HTML page) before anything uses the bytes. Nothing is cached
// until the caller has proven the bytes good (the runtime parsed or compiled them): see `deliver`.
import type { CachedKind } from '../../shared/cache-layout.js';
import { cacheKey } from '../../shared/cache-layout.js';
import { IntegrityError, LoadError, messageOf, WebinferError } from '../../shared/errors.js';
import type { ProgressSink, WarningSink } from '../../shared/protocol.js';
import type { CacheMode } from '../../shared/types.js';
import { download, type Downloaded } from './download.js';
import { checkIntegritySyntax, verifyIntegrity } from './integrity.js';
import { findCached, openCache, storeCached, type CachedCopy } from './file-cache.js';
import { SharedWork } from '../shared-work.js';

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
  /** The load's cancellation; absent for runtime files, which every load shares. */
  signal?: AbortSignal | undefined;
  /** A download with no progress for this long fails (see download.ts). */
  stallTimeoutMs: number;
  /** A runtime file's own name, the same whatever URL a bundler gave it: see storeCached. */
  runtimeFile?: string | undefined;
}

/** A file's bytes, and what may be done with them once the caller knows whether they are good. */
export interface Fetched {
  bytes: Uint8Array;
  /** True when the bytes came from Cache Storage rather than the network. */
  cached: boolean;
  /** Stores downloaded bytes, now proven good (nothing to do for a cached copy). Runs once. */
  commit(): Promise<void>;
  /** Deletes the cached copy these bytes came from, found bad (nothing to do for a download). */
  evict(): Promise<void>;
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
      `${what} ${url} is an HTML page, not a ${what}: the server answered this URL with a page (a wrong path, ` +
        `or a dev server's fallback)`,
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

async function downloadOrRevalidate(
  url: string,
  copy: CachedCopy | undefined,
  options: FetchOptions,
): Promise<Downloaded | CachedCopy> {
  const onProgress = options.onProgress;
  const got = await download(url, {
    what: options.what,
    hint: options.hint,
    revalidate: copy?.tag,
    signal: options.signal,
    stallTimeoutMs: options.stallTimeoutMs,
    onProgress: onProgress && ((loaded, total) => onProgress({ phase: 'download', loaded, total })),
  }).catch((error: unknown) => {
    // Offline (the network failed): a copy we meant to revalidate is better than nothing.
    // (fetch rejects with a TypeError; an HTTP error status has no cause and is reported as such.)
    if (copy !== undefined && error instanceof LoadError && error.cause instanceof TypeError)
      return 'not-modified' as const;
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
  const notStored = await storeCached(cache, url, tag, options.kind, downloaded.bytes, options.runtimeFile);
  if (notStored === undefined) return;
  options.onWarning?.({
    code: notStored.code,
    source: url,
    message:
      `${options.what} ${url} was loaded but not cached (${notStored.reason}); it runs, and will be ` +
      `downloaded again next time`,
  });
}

/** Runs `work` at most once, however often the result is asked for. */
function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= work());
}

function fromCache(cache: Cache, url: string, copy: CachedCopy, options: FetchOptions): Fetched {
  options.onProgress?.({ phase: 'cache', loaded: copy.bytes.byteLength, total: copy.bytes.byteLength });
  return {
    bytes: copy.bytes,
    cached: true,
    commit: () => Promise.resolve(),
    evict: once(() =>
      cache.delete(cacheKey(url, copy.tag)).then(
        () => undefined,
        () => undefined,
      ),
    ),
  };
}

/**
 * The same error, its message saying that a bad cached copy came first: whoever reads it should not
 * suspect the cache of the second failure.
 */
export function afterBadCopy(error: unknown, url: string, why: string): unknown {
  if (!(error instanceof WebinferError) || error.name === 'AbortError') return error;
  const ErrorClass = error.constructor as new (message: string, context: object) => WebinferError;
  const message =
    `the copy of ${url} in Cache Storage was bad (${why}), so it was evicted, and the fresh ` +
    `download failed too: ${error.message}`;
  return new ErrorClass(message, { source: error.source ?? url, backend: error.backend, cause: error });
}

/** The copy pinned by an integrity, verified again: Cache Storage is writable by any script of the origin. */
async function verifiedCopy(
  cache: Cache,
  url: string,
  copy: CachedCopy | undefined,
  integrity: string | undefined,
): Promise<{ copy?: CachedCopy; bad?: string }> {
  if (copy === undefined || integrity === undefined) return copy === undefined ? {} : { copy };
  try {
    await verifyIntegrity(copy.bytes, integrity, url);
    return { copy };
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    await cache.delete(cacheKey(url, copy.tag)).catch(() => undefined);
    return { bad: messageOf(error) };
  }
}

// Cache Storage keeps only http(s) requests; a data: or blob: URL is in memory already.
const cacheable = (url: string): boolean => /^https?:/i.test(url);

async function fetchUnshared(url: string, options: FetchOptions, fresh: boolean): Promise<Fetched> {
  if (!cacheable(url)) options = { ...options, cache: false };
  const cache = options.cache === false ? undefined : await openCache();
  if (options.cache !== false && cache === undefined) {
    options.onWarning?.({
      code: 'cache-unavailable',
      source: url,
      message: `Cache Storage is unavailable here (an insecure context, or storage is blocked): ${url} is not cached`,
    });
  }
  const found = cache === undefined || fresh ? undefined : await usableCopy(cache, url, options);
  const { copy, bad } = cache === undefined ? {} : await verifiedCopy(cache, url, found, options.integrity);
  // A copy stored under the integrity digest asked for is that content: there is nothing to revalidate.
  const pinned = options.integrity !== undefined;
  if (cache !== undefined && copy !== undefined && (options.cache !== 'revalidate' || pinned))
    return fromCache(cache, url, copy, options);
  try {
    const got = await downloadOrRevalidate(url, copy, options);
    if (cache !== undefined && got === copy) return fromCache(cache, url, copy, options);
    const downloaded = got as Downloaded;
    checkBytes(downloaded.bytes, url, options.what);
    if (options.integrity !== undefined) await verifyIntegrity(downloaded.bytes, options.integrity, url);
    return {
      bytes: downloaded.bytes,
      cached: false,
      commit: once(() => (cache === undefined ? Promise.resolve() : store(cache, url, downloaded, options))),
      evict: () => Promise.resolve(),
    };
  } catch (error) {
    throw bad === undefined ? error : afterBadCopy(error, url, bad);
  }
}

// Downloads under way, by file and options: concurrent fetches of one file share one.
const flights = new Map<string, SharedWork<Fetched, ProgressSink>>();

/**
 * Delivers `url` as bytes: a cached copy when one is valid ('cache' progress), otherwise a download
 * ('download' progress), checked but not yet cached (see Fetched.commit). Concurrent fetches of the
 * same file with the same options share one download. `fresh` skips the cached copy.
 */
export function fetchFile(url: string, options: FetchOptions, fresh = false): Promise<Fetched> {
  if (options.integrity !== undefined) checkIntegritySyntax(options.integrity, url);
  const key = [url, options.integrity?.trim() ?? '', String(options.cache), fresh].join('\n');
  let flight = flights.get(key);
  if (flight === undefined || flight.abandoned) {
    const started = new SharedWork<Fetched, ProgressSink>((listeners, signal) => {
      const onProgress: ProgressSink = (progress) => {
        for (const sink of listeners) sink(progress);
      };
      return fetchUnshared(url, { ...options, signal, onProgress }, fresh);
    });
    const drop = () => flights.get(key) === started && flights.delete(key);
    started.result.then(drop, drop);
    flights.set(key, started);
    flight = started;
  }
  return flight.join(options.onProgress ?? (() => undefined), options.signal, `the download of ${url}`);
}

/** True when `error` says the file at `url` itself is bad (not its runtime, not another file). */
function blamesFile(error: unknown, url: string): boolean {
  return error instanceof LoadError && error.source === url;
}

/**
 * Fetches `url` and hands the bytes to `use`, which proves them good (parses, compiles, checks sizes)
 * or throws. Only then are downloaded bytes cached. A cached copy that `use` rejects is evicted and
 * fetched again from the network, once, before the load fails.
 */
export async function deliver<T>(
  url: string,
  options: FetchOptions,
  use: (bytes: Uint8Array) => Promise<T>,
): Promise<T> {
  const first = await fetchFile(url, options);
  let result: T;
  try {
    result = await use(first.bytes);
  } catch (error) {
    if (!first.cached || !blamesFile(error, url)) throw error;
    await first.evict();
    return deliverFresh(url, options, use, messageOf(error));
  }
  await first.commit();
  return result;
}

async function deliverFresh<T>(
  url: string,
  options: FetchOptions,
  use: (bytes: Uint8Array) => Promise<T>,
  why: string,
): Promise<T> {
  try {
    const fresh = await fetchFile(url, options, true);
    const result = await use(fresh.bytes);
    await fresh.commit();
    return result;
  } catch (error) {
    throw afterBadCopy(error, url, why);
  }
}

/** The options for a model file (or a file it pulls in, such as a TF.js weight shard). */
export function modelFile(options: Omit<FetchOptions, 'kind' | 'what'>): FetchOptions {
  return { ...options, kind: 'model', what: 'model' };
}
