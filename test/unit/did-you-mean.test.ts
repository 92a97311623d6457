import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/page/did-you-mean.js';

const known = ['backend', 'engine', 'timeoutMs', 'stallTimeoutMs', 'numThreads', 'maxSize', 'maxDelayMs'];

describe('didYouMean', () => {
  it.each([
    ['bakend', 'backend'],
    ['bakcend', 'backend'],
    ['engin', 'engine'],
    ['maxsize', 'maxSize'],
    ['timeout', 'timeoutMs'],
    ['stallTimeout', 'stallTimeoutMs'],
    ['threads', 'numThreads'],
    ['maxDelay', 'maxDelayMs'],
    ['size', 'maxSize'],
  ])('takes %s for %s', (typed, meant) => {
    expect(didYouMean(typed, known)).toBe(meant);
  });

  it.each(['quantized', 'x', 'gpu', 'rows'])('suggests nothing for %s, which is like none of them', (typed) => {
    expect(didYouMean(typed, known)).toBeUndefined();
  });
});
