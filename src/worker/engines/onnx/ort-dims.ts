import type { Dim } from '../../../shared/types.js';

/** ORT reports an unnamed dynamic dim as -1 or as 4294967295 (-1 read as uint32). */
export function normalizeDim(dim: Dim): Dim {
  return typeof dim === 'number' && (dim < 0 || dim > 0x7fffffff) ? -1 : dim;
}
