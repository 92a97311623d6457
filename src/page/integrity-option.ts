import { OptionError } from '../shared/errors.js';
import type { LoadOptions } from '../shared/types.js';

/**
 * The `integrity` option (its shape checked by checkLoadOptions) as the worker reads it: SRI strings
 * keyed by absolute file URL. A string covers the model URL itself; a map's keys are resolved against
 * the model URL, so that `{ 'model.json': …, 'group1-shard1of2.bin': … }` covers a TF.js model and its shards.
 */
export function integrityByUrl(
  integrity: LoadOptions['integrity'],
  modelUrl: string | undefined,
): Record<string, string> {
  if (integrity === undefined) return {};
  if (modelUrl === undefined) {
    throw new OptionError(
      'load option integrity applies to models loaded from a URL; bytes given in memory are not checked: drop ' +
        'the option, or check the bytes before passing them',
      { option: 'integrity' },
    );
  }
  const entries = typeof integrity === 'string' ? [[modelUrl, integrity] as const] : Object.entries(integrity);
  return Object.fromEntries(entries.map(([file, digest]) => [new URL(file, modelUrl).href, digest]));
}
