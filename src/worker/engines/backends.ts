import { BackendUnavailableError } from '../../shared/errors.js';
import type { Backend, BackendRequest } from '../../shared/types.js';

export type WebGpuProbe =
  | { available: true; adapter: GPUAdapter; software: boolean; description: string }
  | { available: false; why: string };

export interface Capabilities {
  webgpu: WebGpuProbe;
  /** Why WASM cannot run here, or null when it can. */
  wasmUnavailable: string | null;
  threads: boolean;
}

// The smallest module using a v128 instruction: validates only where WebAssembly SIMD exists.
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

async function probeWebGpu(): Promise<WebGpuProbe> {
  if (!('gpu' in navigator) || navigator.gpu === undefined) {
    return { available: false, why: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter === null) return { available: false, why: 'navigator.gpu.requestAdapter() found no adapter' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    // Chromium without a GPU offers SwiftShader: correct, but ~100x slower than WASM.
    const software = info.isFallbackAdapter === true || info.architecture === 'swiftshader';
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
    return { available: true, adapter, software, description: software ? `${name} (software)` : name };
  } catch (error) {
    return { available: false, why: `requesting a WebGPU adapter failed: ${String(error)}` };
  }
}

function probeWasm(): string | null {
  if (typeof WebAssembly !== 'object') return 'this browser has no WebAssembly';
  if (!WebAssembly.validate(simdProbe)) return 'this browser lacks WebAssembly SIMD, which onnxruntime-web needs';
  return null;
}

let capabilities: Promise<Readonly<Capabilities>> | undefined;

/** Probes once per worker; the answer does not change while the worker lives. */
export function detectCapabilities(): Promise<Readonly<Capabilities>> {
  capabilities ??= probeWebGpu().then((webgpu) =>
    Object.freeze({ webgpu, wasmUnavailable: probeWasm(), threads: self.crossOriginIsolated === true }),
  );
  return capabilities;
}

export interface BackendChoice {
  backend: Backend;
  reason: string;
}

/** Resolves 'auto' to the best backend here, or checks that a forced one can run. */
export function chooseBackend(requested: BackendRequest, caps: Capabilities): BackendChoice {
  const gpu = caps.webgpu;
  const wasmReason = `WASM SIMD, ${caps.threads ? 'multi-threaded (cross-origin isolated)' : 'single-threaded (not cross-origin isolated)'}`;
  // Plain JavaScript runs anywhere, but far slower than WASM: never chosen unless named.
  if (requested === 'cpu') return { backend: 'cpu', reason: "TF.js's plain-JavaScript cpu backend, as requested" };
  if (requested === 'webgpu') {
    if (!gpu.available) throw new BackendUnavailableError(`backend 'webgpu' is unavailable: ${gpu.why}`, { backend: 'webgpu' });
    return { backend: 'webgpu', reason: `WebGPU on ${gpu.description}, as requested` };
  }
  if (requested === 'wasm') {
    if (caps.wasmUnavailable !== null) {
      throw new BackendUnavailableError(`backend 'wasm' is unavailable: ${caps.wasmUnavailable}`, { backend: 'wasm' });
    }
    return { backend: 'wasm', reason: `${wasmReason}, as requested` };
  }
  if (gpu.available && !gpu.software) return { backend: 'webgpu', reason: `WebGPU on ${gpu.description}` };
  if (caps.wasmUnavailable !== null) {
    const gpuWhy = gpu.available ? `only a software WebGPU adapter (${gpu.description})` : gpu.why;
    throw new BackendUnavailableError(
      `no backend available: [webgpu] ${gpuWhy}; [wasm] ${caps.wasmUnavailable}`,
      { backend: 'auto' },
    );
  }
  const gpuWhy = gpu.available ? `the WebGPU adapter is a software fallback (${gpu.description})` : gpu.why;
  return { backend: 'wasm', reason: `${wasmReason}; not WebGPU because ${gpuWhy}` };
}
