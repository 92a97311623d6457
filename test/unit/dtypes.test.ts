import { describe, expect, it } from 'vitest';
import { elementCount, formatDims, isSymbolic } from '../../src/shared/dtypes.js';

describe('dims helpers', () => {
  it('treats named and unnamed dims as symbolic and numbers >= 0 as fixed', () => {
    expect(isSymbolic('batch')).toBe(true);
    expect(isSymbolic(-1)).toBe(true);
    expect(isSymbolic(3)).toBe(false);
    expect(isSymbolic(0)).toBe(false);
  });

  it('counts elements as the product of dims, 1 for a scalar and 0 for an empty dim', () => {
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([])).toBe(1);
    expect(elementCount([5, 0])).toBe(0);
  });

  it('formats dims in brackets, showing an unnamed dynamic dim as ?', () => {
    expect(formatDims(['batch', -1, 8])).toBe('[batch, ?, 8]');
    expect(formatDims([])).toBe('[]');
  });
});
