import { BackendUnavailableError, messageOf } from '../../shared/errors.js';
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
    return { available: false, why: `requesting a WebGPU adapter failed: ${messageOf(error)}` };
  }
}

function wasmProblem(): string | null {
  if (typeof WebAssembly !== 'object') return 'this browser has no WebAssembly';
  if (!WebAssembly.validate(simdProbe)) return 'this browser lacks WebAssembly SIMD, which onnxruntime-web needs';
  return null;
}

let capabilities: Promise<Readonly<Capabilities>> | undefined;

/** Probes once per worker; the answer does not change while the worker lives. */
export function detectCapabilities(): Promise<Readonly<Capabilities>> {
  capabilities ??= probeWebGpu().then((webgpu) =>
    Object.freeze({ webgpu, wasmUnavailable: wasmProblem(), threads: self.crossOriginIsolated === true }),
  );
  return capabilities;
}

export interface BackendChoice {
  backend: Backend;
  reason: string;
}

/** Whether a backend can run here: with what (for people), or why not. */
type Verdict = { ok: true; reason: string } | { ok: false; why: string };

interface BackendRule {
  /** Its name in messages ("a WebGPU run failed"). */
  label: string;
  /** Never chosen by 'auto', nor moved to when another backend fails: only when asked for by name. */
  byNameOnly?: boolean;
  probe(caps: Capabilities, requested: boolean): Verdict;
}

function probeGpu(gpu: WebGpuProbe, requested: boolean): Verdict {
  if (!gpu.available) return { ok: false, why: gpu.why };
  // A software adapter (SwiftShader) is correct but ~100x slower than WASM: used only when asked for.
  if (gpu.software && !requested) {
    return {
      ok: false,
      why: `only a software WebGPU adapter (${gpu.description}), a software fallback far slower than WASM`,
    };
  }
  return { ok: true, reason: `WebGPU on ${gpu.description}` };
}

function probeWasm(caps: Capabilities): Verdict {
  if (caps.wasmUnavailable !== null) return { ok: false, why: caps.wasmUnavailable };
  const threads = caps.threads
    ? 'multi-threaded (cross-origin isolated)'
    : 'single-threaded (not cross-origin isolated)';
  return { ok: true, reason: `WASM SIMD, ${threads}` };
}

const rules: Readonly<Record<string, BackendRule>> = Object.freeze<Record<string, BackendRule>>({
  webgpu: { label: 'WebGPU', probe: (caps, requested) => probeGpu(caps.webgpu, requested) },
  wasm: { label: 'WASM', probe: probeWasm },
  // Plain JavaScript runs anywhere, but far slower than WASM.
  cpu: {
    label: 'cpu',
    byNameOnly: true,
    probe: () => ({ ok: true as const, reason: "TF.js's plain-JavaScript cpu backend" }),
  },
});

/** The backends webinfer knows how to probe. */
const knownBackends: readonly Backend[] = Object.keys(rules);

/** The backends of an engine that says nothing else: ONNX's. */
const defaultBackends: readonly Backend[] = ['webgpu', 'wasm'];

/** A backend's name in messages: 'WebGPU', 'WASM'. */
export function backendLabel(backend: Backend): string {
  return rules[backend]?.label ?? backend;
}

function ruleFor(backend: Backend): BackendRule {
  const rule = rules[backend];
  if (rule === undefined) {
    const known = knownBackends.map((name) => `'${name}'`).join(', ');
    throw new BackendUnavailableError(`backend '${backend}' is unknown: webinfer's backends are ${known} (or 'auto')`, {
      backend,
    });
  }
  return rule;
}

/** Checks that a backend asked for by name can run here. */
function chooseNamed(backend: Backend, caps: Capabilities): BackendChoice {
  const verdict = ruleFor(backend).probe(caps, true);
  if (!verdict.ok)
    throw new BackendUnavailableError(`backend '${backend}' is unavailable: ${verdict.why}`, { backend });
  return { backend, reason: `${verdict.reason}, as requested` };
}

/**
 * Resolves 'auto' to the first of `backends` (most preferred first) that can run here, saying why each
 * one before it could not; or checks that a backend asked for by name can run. When none can, the
 * error gives every backend's refusal: `no backend available: [webgpu] …; [wasm] …`.
 */
export function chooseBackend(
  requested: BackendRequest,
  caps: Capabilities,
  backends: readonly Backend[] = defaultBackends,
): BackendChoice {
  if (requested !== 'auto') return chooseNamed(requested, caps);
  const refusals: { backend: Backend; why: string }[] = [];
  for (const backend of backends) {
    const rule = ruleFor(backend);
    if (rule.byNameOnly === true) continue;
    const verdict = rule.probe(caps, false);
    if (!verdict.ok) {
      refusals.push({ backend, why: verdict.why });
      continue;
    }
    const notUsed = refusals.map(({ backend: other, why }) => `; not ${backendLabel(other)} because ${why}`);
    return { backend, reason: verdict.reason + notUsed.join('') };
  }
  const all = refusals.map(({ backend, why }) => `[${backend}] ${why}`).join('; ');
  throw new BackendUnavailableError(`no backend available: ${all}`, { backend: 'auto' });
}

/** Where a model on `backend` moves if that backend fails: the engine's later backends, in order. */
export function fallbacksAfter(backend: Backend, backends: readonly Backend[]): Backend[] {
  const at = backends.indexOf(backend);
  return at < 0 ? [] : backends.slice(at + 1).filter((next) => rules[next]?.byNameOnly !== true);
}
