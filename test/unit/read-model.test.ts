import { describe, expect, it } from 'vitest';
import { modelReader, type ReaderOptions } from '../../src/worker/engines/read-model.js';

function options(keep: boolean, steps: string[]): ReaderOptions {
  return {
    fileOptions: () => {
      throw new Error('a model in memory is never fetched');
    },
    onProgress: () => undefined,
    ready: async () => void steps.push('ready'),
    keep,
  };
}

describe('modelReader (the readModel an engine is given)', () => {
  it('hands over bytes given in memory only once the runtime is ready', async () => {
    const steps: string[] = [];
    const read = modelReader({ kind: 'bytes', bytes: new Uint8Array([1, 2, 3]).buffer }, options(false, steps));
    const got = await read(async (bytes) => {
      steps.push('use');
      return [...bytes];
    });
    expect(got).toEqual([1, 2, 3]);
    expect(steps).toEqual(['ready', 'use']);
  });

  it('gives TF.js artifacts in memory as the bytes of their model.json', async () => {
    const read = modelReader({ kind: 'tfjs-artifacts', modelJson: '{"a":1}', weights: [] }, options(false, []));
    expect(await read(async (bytes) => new TextDecoder().decode(bytes))).toBe('{"a":1}');
  });

  it('keeps the bytes for a fallback backend when asked, without waiting on the runtime again', async () => {
    const steps: string[] = [];
    const read = modelReader({ kind: 'bytes', bytes: new Uint8Array([7]).buffer }, options(true, steps));
    await read(async () => undefined);
    expect(await read(async (bytes) => bytes[0])).toBe(7);
    expect(steps).toEqual(['ready']);
  });
});
