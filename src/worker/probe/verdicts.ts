import type { ProbeReport } from '../../shared/protocol.js';

// Verdicts live in a cache of their own: they are not files, and `cachedFiles()` lists webinfer's files.
const verdictCache = 'webinfer-probe-v1';

/** Where a verdict is stored: a same-origin URL nothing is ever fetched from. */
function keyUrl(key: string): string {
  return new URL(`/.webinfer-probe/${encodeURIComponent(key)}`, self.location.origin).href;
}

/** The verdict an earlier probe stored under `key`, if any (and if Cache Storage is there to ask). */
export async function storedVerdict(key: string): Promise<Omit<ProbeReport, 'cached'> | undefined> {
  try {
    const response = await (await caches.open(verdictCache)).match(keyUrl(key));
    return response === undefined ? undefined : ((await response.json()) as Omit<ProbeReport, 'cached'>);
  } catch {
    return undefined;
  }
}

/** Stores a verdict; where Cache Storage refuses, the next load probes again. */
export async function storeVerdict(key: string, verdict: Omit<ProbeReport, 'cached'>): Promise<void> {
  try {
    const body = JSON.stringify(verdict);
    await (await caches.open(verdictCache)).put(
      keyUrl(key),
      new Response(body, { headers: { 'Content-Type': 'application/json' } }),
    );
  } catch {
    // Storage is full or unavailable: the probe costs a few runs again next time, nothing more.
  }
}
