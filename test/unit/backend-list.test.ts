/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/shared/errors.js';
import {
  chooseBackend,
  fallbacksAfter,
  type Capabilities,
  type WebGpuProbe,
} from '../../src/worker/engines/backends.js';

const hardwareGpu: WebGpuProbe = {
  available: true,
  adapter: {} as GPUAdapter,
  software: false,
  description: 'nvidia ampere',
};
const softwareGpu: WebGpuProbe = {
  available: true,
  adapter: {} as GPUAdapter,
  software: true,
  description: 'google swiftshader (software)',
};
const noGpu: WebGpuProbe = { available: false, why: 'navigator.gpu is undefined' };
const noSimd = 'this browser lacks WebAssembly SIMD';

const caps = (webgpu: WebGpuProbe, wasmUnavailable: string | null = null): Capabilities => ({
  webgpu,
  wasmUnavailable,
  threads: false,
});

const onnx = ['webgpu', 'wasm'] as const;
const tfjs = ['webgpu', 'wasm', 'cpu'] as const;

function refusal(run: () => unknown): BackendUnavailableError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BackendUnavailableError);
    return error as BackendUnavailableError;
  }
  throw new Error('expected a BackendUnavailableError');
}

describe("chooseBackend('auto') over an engine's own backends", () => {
  it('follows the order the engine prefers', () => {
    expect(chooseBackend('auto', caps(hardwareGpu), ['wasm', 'webgpu']).backend).toBe('wasm');
    expect(chooseBackend('auto', caps(hardwareGpu), onnx).backend).toBe('webgpu');
  });

  it('says, in the reason, why each preferred backend before the chosen one was not used', () => {
    const choice = chooseBackend('auto', caps(softwareGpu), tfjs);
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(
      /^WASM SIMD, .*; not WebGPU because only a software WebGPU adapter \(google swiftshader/,
    );
  });

  it("never picks a backend usable only by name ('cpu'), nor lists it among the refusals", () => {
    const error = refusal(() => chooseBackend('auto', caps(noGpu, noSimd), tfjs));
    expect(error.message).toBe(`no backend available: [webgpu] navigator.gpu is undefined; [wasm] ${noSimd}`);
    expect(error.backend).toBe('auto');
  });

  it('collects the refusal of every backend in the list, in order', () => {
    const error = refusal(() => chooseBackend('auto', caps(softwareGpu, noSimd), ['wasm', 'webgpu']));
    expect(error.message).toMatch(
      /^no backend available: \[wasm\] this browser lacks WebAssembly SIMD; \[webgpu\] only a software WebGPU adapter/,
    );
  });

  it('names a backend it does not know, with the ones it does', () => {
    const error = refusal(() => chooseBackend('auto', caps(hardwareGpu), ['npu']));
    expect(error.message).toBe("backend 'npu' is unknown: webinfer's backends are 'webgpu', 'wasm', 'cpu' (or 'auto')");
    const named = refusal(() => chooseBackend('npu', caps(hardwareGpu)));
    expect(named.backend).toBe('npu');
  });
});

describe('fallbacksAfter', () => {
  it("is the engine's later backends, in order, without those used only by name", () => {
    expect(fallbacksAfter('webgpu', onnx)).toEqual(['wasm']);
    expect(fallbacksAfter('webgpu', tfjs)).toEqual(['wasm']);
    expect(fallbacksAfter('webgpu', ['webgpu', 'wasm', 'webnn'])).toEqual(['wasm', 'webnn']);
  });

  it('is empty for the last backend, one used by name, or one the engine does not list', () => {
    expect(fallbacksAfter('wasm', onnx)).toEqual([]);
    expect(fallbacksAfter('wasm', tfjs)).toEqual([]);
    expect(fallbacksAfter('cpu', tfjs)).toEqual([]);
    expect(fallbacksAfter('cpu', onnx)).toEqual([]);
  });
});
