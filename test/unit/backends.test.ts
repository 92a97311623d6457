/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/shared/errors.js';
import type { BackendRequest } from '../../src/shared/types.js';
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
  description: 'nvidia ampere NVIDIA RTX 3080',
};
const softwareGpu: WebGpuProbe = {
  available: true,
  adapter: {} as GPUAdapter,
  software: true,
  description: 'google swiftshader (software)',
};
const noGpu: WebGpuProbe = { available: false, why: 'this browser has no WebGPU (navigator.gpu is undefined)' };
const noSimd = 'this browser lacks WebAssembly SIMD, which onnxruntime-web needs';

const caps = (webgpu: WebGpuProbe, wasmUnavailable: string | null = null, threads = false): Capabilities => ({
  webgpu,
  wasmUnavailable,
  threads,
});

/** The BackendUnavailableError that choosing throws; fails the test if it throws nothing. */
function refusal(
  requested: BackendRequest,
  capabilities: Capabilities,
  backends?: readonly string[],
): BackendUnavailableError {
  try {
    chooseBackend(requested, capabilities, backends);
  } catch (error) {
    expect(error).toBeInstanceOf(BackendUnavailableError);
    return error as BackendUnavailableError;
  }
  throw new Error('expected chooseBackend to throw a BackendUnavailableError');
}

describe("chooseBackend('auto')", () => {
  it('picks WebGPU when a hardware adapter exists, naming the adapter', () => {
    const choice = chooseBackend('auto', caps(hardwareGpu));
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toContain('NVIDIA RTX 3080');
  });

  it('picks WASM over a software WebGPU adapter, saying the adapter is a software fallback', () => {
    const choice = chooseBackend('auto', caps(softwareGpu));
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('software fallback');
    expect(choice.reason).toContain('swiftshader');
  });

  it('picks WASM when there is no WebGPU, saying why WebGPU was not used', () => {
    const choice = chooseBackend('auto', caps(noGpu));
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('navigator.gpu is undefined');
  });

  it('says whether WASM runs multi-threaded or single-threaded', () => {
    expect(chooseBackend('auto', caps(noGpu, null, true)).reason).toContain('multi-threaded');
    expect(chooseBackend('auto', caps(noGpu, null, false)).reason).toContain('single-threaded');
  });

  it('picks WebGPU on a hardware adapter even where WASM cannot run', () => {
    expect(chooseBackend('auto', caps(hardwareGpu, noSimd)).backend).toBe('webgpu');
  });

  it('throws when neither backend can run, giving the reason for each', () => {
    const error = refusal('auto', caps(noGpu, noSimd));
    expect(error.message).toBe(`no backend available: [webgpu] ${noGpu.why}; [wasm] ${noSimd}`);
    expect(error.backend).toBe('auto');
  });

  it('throws when only a software WebGPU adapter exists and WASM cannot run, saying so for both', () => {
    const error = refusal('auto', caps(softwareGpu, noSimd));
    expect(error.message).toContain('[webgpu] only a software WebGPU adapter');
    expect(error.message).toContain(`[wasm] ${noSimd}`);
  });
});

describe('chooseBackend with a forced backend', () => {
  it('throws for webgpu where there is no WebGPU, naming the backend and why', () => {
    const error = refusal('webgpu', caps(noGpu));
    expect(error.backend).toBe('webgpu');
    expect(error.message).toBe(`backend 'webgpu' is unavailable: ${noGpu.why}`);
  });

  it('uses a software WebGPU adapter when webgpu is asked for explicitly', () => {
    const choice = chooseBackend('webgpu', caps(softwareGpu));
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toContain('as requested');
  });

  it('uses wasm when asked even where a hardware WebGPU adapter exists', () => {
    const choice = chooseBackend('wasm', caps(hardwareGpu));
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('as requested');
  });

  it('throws for wasm where WebAssembly SIMD is missing, naming the backend and why', () => {
    const error = refusal('wasm', caps(hardwareGpu, noSimd));
    expect(error.backend).toBe('wasm');
    expect(error.message).toBe(`backend 'wasm' is unavailable: ${noSimd}`);
  });

  it('uses the TF.js cpu backend only when it is named: auto never falls back to it', () => {
    const choice = chooseBackend('cpu', caps(hardwareGpu, null, true));
    expect(choice).toEqual({ backend: 'cpu', reason: expect.stringContaining('as requested') });
    expect(() => chooseBackend('auto', caps(noGpu, noSimd))).toThrow(BackendUnavailableError);
  });
});

const onnx = ['webgpu', 'wasm'] as const;
const tfjs = ['webgpu', 'wasm', 'cpu'] as const;

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
    const error = refusal('auto', caps(noGpu, noSimd), tfjs);
    expect(error.message).toBe(
      `no backend available: [webgpu] this browser has no WebGPU (navigator.gpu is undefined); [wasm] ${noSimd}`,
    );
    expect(error.backend).toBe('auto');
  });

  it('collects the refusal of every backend in the list, in order', () => {
    const error = refusal('auto', caps(softwareGpu, noSimd), ['wasm', 'webgpu']);
    expect(error.message).toMatch(
      /^no backend available: \[wasm\] this browser lacks WebAssembly SIMD, which onnxruntime-web needs; \[webgpu\] only a software WebGPU adapter/,
    );
  });

  it('names a backend it does not know, with the ones it does', () => {
    const error = refusal('auto', caps(hardwareGpu), ['npu']);
    expect(error.message).toBe("backend 'npu' is unknown: webinfer's backends are 'webgpu', 'wasm', 'cpu' (or 'auto')");
    const named = refusal('npu', caps(hardwareGpu));
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
