// How webinfer lays out its Cache Storage entries. The page (page/cache.ts) and the worker
// (worker/delivery/file-cache.ts) share one origin's Cache Storage, so both read the layout from here.

/** The one cache webinfer writes to; a new layout gets a new name rather than a migration. */
export const cacheName = 'webinfer-v1';

/** What a cached file is: a model the app loaded, or a runtime binary the SDK needs. */
export type CachedKind = 'model' | 'runtime';

/** One file in webinfer's cache, as `cachedFiles()` lists it. */
export interface CachedFile {
  /** The URL the file was fetched from. */
  url: string;
  kind: CachedKind;
  /** Size of the cached bytes. */
  bytes: number;
  /**
   * What the entry is pinned to: `sri:<integrity>`, `etag:<ETag>`, `modified:<Last-Modified>`,
   * `version:<runtime version>`, or `none` when the server said nothing that identifies the content.
   */
  tag: string;
  /** When it was cached (ISO 8601). */
  cachedAt: string;
}

export const headers = {
  url: 'X-Webinfer-Url',
  kind: 'X-Webinfer-Kind',
  cachedAt: 'X-Webinfer-Cached-At',
  /** A runtime file's own name (e.g. ort-wasm-simd-threaded.wasm), whatever URL a bundler gave it. */
  runtimeFile: 'X-Webinfer-Runtime-File',
} as const;

const tagParam = 'webinfer-cache=';

/**
 * The Cache Storage key of a file: its URL plus the tag that identifies its content, so that a new
 * integrity, ETag or runtime version is a new entry. The tag goes in the query, not the fragment,
 * because Cache Storage ignores fragments when it matches.
 */
export function cacheKey(url: string, tag: string): string {
  const bare = url.split('#')[0] as string;
  return `${bare}${bare.includes('?') ? '&' : '?'}${tagParam}${encodeURIComponent(tag)}`;
}

/** The URL and tag a key was made from, or undefined for a key webinfer did not make. */
export function parseCacheKey(key: string): { url: string; tag: string } | undefined {
  const at = key.lastIndexOf(tagParam);
  if (at < 1 || (key[at - 1] !== '?' && key[at - 1] !== '&')) return undefined;
  return { url: key.slice(0, at - 1), tag: decodeURIComponent(key.slice(at + tagParam.length)) };
}

/** A cached response's description, read from the headers webinfer stored with it. */
export function describeEntry(key: string, response: Response): CachedFile | undefined {
  const parsed = parseCacheKey(key);
  if (parsed === undefined) return undefined;
  const kind = response.headers.get(headers.kind) === 'runtime' ? 'runtime' : 'model';
  return {
    url: response.headers.get(headers.url) ?? parsed.url,
    kind,
    bytes: Number(response.headers.get('Content-Length') ?? 0),
    tag: parsed.tag,
    cachedAt: response.headers.get(headers.cachedAt) ?? '',
  };
}

/** The keys in `cache` that hold a version of `url`, whatever their tag. */
export async function keysFor(cache: Cache, url: string): Promise<Request[]> {
  const bare = url.split('#')[0];
  const keys = await cache.keys();
  return keys.filter((request) => parseCacheKey(request.url)?.url === bare);
}
