import { InputError } from '../shared/errors.js';
import type { LoadOptions } from '../shared/types.js';

/**
 * The `integrity` option as the worker reads it: SRI strings keyed by absolute file URL. A string
 * covers the model URL itself; a map's keys are resolved against the model URL, so that
 * `{ 'model.json': …, 'group1-shard1of2.bin': … }` covers a TF.js model and its shards.
 */
export function integrityByUrl(
  integrity: LoadOptions['integrity'],
  modelUrl: string | undefined,
): Record<string, string> {
  if (integrity === undefined) return {};
  if (modelUrl === undefined) {
    throw new InputError(
      'the integrity option applies to models loaded from a URL; bytes given in memory are not checked',
    );
  }
  const entries = typeof integrity === 'string' ? [[modelUrl, integrity] as const] : Object.entries(integrity);
  const byUrl: Record<string, string> = {};
  for (const [file, digest] of entries) {
    if (typeof digest !== 'string') {
      throw new InputError(`integrity for ${file} must be an SRI string like 'sha256-<base64>', got ${typeof digest}`);
    }
    byUrl[new URL(file, modelUrl).href] = digest;
  }
  return byUrl;
}
