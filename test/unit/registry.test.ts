import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/shared/errors.js';
import type { EnginePlugin } from '../../src/worker/engines/engine.js';
import { engineKinds, findEngine } from '../../src/worker/engines/registry.js';

const remote: EnginePlugin = {
  kind: 'remote',
  backends: ['wasm'],
  runtimeFiles: () => ({}),
  load: () => Promise.reject(new Error('not loaded in this test')),
};

describe('engine registry', () => {
  it('registers ONNX and TF.js, in that order', () => {
    expect(engineKinds()).toEqual(['onnx', 'tfjs']);
  });

  it('declares each engine without loading its code: backends by preference, runtime files by name', () => {
    expect(findEngine('onnx')).toMatchObject({ kind: 'onnx', backends: ['webgpu', 'wasm'] });
    expect(findEngine('tfjs')).toMatchObject({ kind: 'tfjs', backends: ['webgpu', 'wasm', 'cpu'] });
    const ortFiles = findEngine('onnx').runtimeFiles();
    expect(ortFiles['ort.wasm.min.mjs']).toMatch(/\/ort\/ort\.wasm\.min\.mjs$/);
    expect(Object.keys(ortFiles)).toHaveLength(6);
    const tfjsFiles = findEngine('tfjs').runtimeFiles();
    expect(tfjsFiles['tfjs-backend-wasm-simd.wasm']).toMatch(/\/tfjs\/tfjs-backend-wasm-simd\.wasm$/);
    expect(Object.keys(tfjsFiles)).toHaveLength(3);
  });

  it('rejects an unknown engine with an OptionError that lists the registered engines', () => {
    expect(() => findEngine('tflite')).toThrow(OptionError);
    expect(() => findEngine('tflite')).toThrow("unknown engine 'tflite': the engines registered are 'onnx', 'tfjs'");
  });

  it('finds a further engine in a list that has it', () => {
    expect(findEngine('remote', [remote])).toBe(remote);
    expect(() => findEngine('onnx', [remote])).toThrow("the engines registered are 'remote'");
  });
});
