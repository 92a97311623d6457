import { describe, expect, it } from 'vitest';
import { cacheKey, parseCacheKey } from '../../src/shared/cache-layout.js';

describe('cache keys', () => {
  it('change with the tag, so a new integrity or ETag is a new entry', () => {
    const url = 'https://example.com/models/a.onnx';
    expect(cacheKey(url, 'sri:sha256-AAA=')).not.toBe(cacheKey(url, 'sri:sha256-BBB='));
    expect(cacheKey(url, 'etag:"1"')).not.toBe(cacheKey(url, 'etag:"2"'));
  });

  it('round-trip the URL and the tag, whatever characters the tag holds', () => {
    for (const [url, tag] of [
      ['https://example.com/a.onnx', 'sri:sha256-ab+/cd=='],
      ['https://example.com/a.onnx?v=2&x=y', 'etag:W/"x?y&z"'],
      ['http://127.0.0.1:4173/coi/dist/ort/ort-wasm-simd-threaded.wasm', 'version:1.30.0'],
    ] as const) {
      const key = new Request(cacheKey(url, tag)).url; // as Cache Storage hands keys back
      expect(parseCacheKey(key)).toEqual({ url, tag });
    }
  });

  it('drop the fragment, which Cache Storage ignores anyway', () => {
    expect(parseCacheKey(cacheKey('https://example.com/a.onnx#top', 'none'))).toEqual({
      url: 'https://example.com/a.onnx',
      tag: 'none',
    });
  });

  it('are not confused with keys webinfer did not make', () => {
    expect(parseCacheKey('https://example.com/a.onnx?q=1')).toBeUndefined();
    expect(parseCacheKey('https://example.com/a.onnx?xwebinfer-cache=1')).toBeUndefined();
  });
});
