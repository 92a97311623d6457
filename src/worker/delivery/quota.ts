// Whether a file fits in this origin's storage, asked before writing it rather than after a
// QuotaExceededError mid-write (which may leave the browser evicting other data to make room).

/** Headroom kept free, so that caching a model never takes the last bytes the app itself needs. */
const reserve = 0.1;

/** Undefined when the file fits (or the browser cannot tell); otherwise why it does not, in words. */
export async function roomFor(bytes: number): Promise<string | undefined> {
  const storage = (navigator as Navigator & { storage?: StorageManager }).storage;
  if (storage?.estimate === undefined) return undefined;
  let estimate: StorageEstimate;
  try {
    estimate = await storage.estimate();
  } catch {
    return undefined;
  }
  const { usage, quota } = estimate;
  if (usage === undefined || quota === undefined) return undefined;
  const free = quota * (1 - reserve) - usage;
  if (bytes <= free) return undefined;
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  return (
    `storage quota too small: ${mb(bytes)} needed, ${mb(Math.max(0, free))} free of ${mb(quota)} ` +
    `(${mb(usage)} used)`
  );
}

/** A QuotaExceededError, whatever realm or browser raised it. */
export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
}
