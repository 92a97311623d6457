// The page's view of what webinfer has cached. The worker writes the entries; Cache Storage is
// shared by a page and its workers, so reading and deleting them needs no round trip to the worker.
import { cacheName, describeEntry, keysFor, type CachedFile } from '../shared/cache-layout.js';

function storage(): CacheStorage | undefined {
  // Cache Storage exists only in secure contexts (https, localhost).
  return typeof caches === 'undefined' ? undefined : caches;
}

function resolve(url: string | URL): string {
  return new URL(url, document.baseURI).href;
}

/** Every file webinfer has cached on this origin (models and runtime binaries), with its size. */
export async function cachedFiles(): Promise<CachedFile[]> {
  const store = storage();
  if (store === undefined || !(await store.has(cacheName))) return [];
  const cache = await store.open(cacheName);
  const files: CachedFile[] = [];
  for (const key of await cache.keys()) {
    const response = await cache.match(key);
    const file = response === undefined ? undefined : describeEntry(key.url, response);
    if (file !== undefined) files.push(file);
  }
  return files;
}

/** Removes every cached version of one file; resolves with whether there was any. */
export async function deleteCached(url: string | URL): Promise<boolean> {
  const store = storage();
  if (store === undefined || !(await store.has(cacheName))) return false;
  const cache = await store.open(cacheName);
  const keys = await keysFor(cache, resolve(url));
  await Promise.all(keys.map((key) => cache.delete(key)));
  return keys.length > 0;
}

/** Removes everything webinfer has cached on this origin. Caches of other libraries are left alone. */
export async function clearCache(): Promise<void> {
  await storage()?.delete(cacheName);
}

/**
 * Asks the browser to keep this origin's storage under pressure (`navigator.storage.persist()`,
 * a page-only API). Resolves with whether it agreed; browsers may say no without asking anyone.
 */
export async function requestPersistence(): Promise<boolean> {
  if (typeof navigator === 'undefined' || navigator.storage?.persist === undefined) return false;
  try {
    return (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch {
    return false; // an opaque or sandboxed origin: same outcome as a refusal
  }
}

export type { CachedFile, CachedKind } from '../shared/cache-layout.js';
