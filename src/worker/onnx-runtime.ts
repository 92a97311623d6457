import type * as Ort from 'onnxruntime-web';
import { LoadError } from '../errors.js';
import type { WarningSink } from '../protocol.js';
import { fetchFile } from './fetch-model.js';
import type { Backend } from '../types.js';

export type OrtModule = typeof Ort;

// The CPU-only build is 14 MB; the WebGPU build (26 MB) also runs the CPU provider, so a page that
// needs WebGPU downloads one build and a WASM-only page never downloads the WebGPU one.
const builds = {
  wasm: { module: 'ort.wasm.min.mjs', binary: 'ort-wasm-simd-threaded.wasm' },
  webgpu: { module: 'ort.webgpu.min.mjs', binary: 'ort-wasm-simd-threaded.asyncify.wasm' },
} as const;

const runtimes = new Map<Backend, Promise<OrtModule>>();

// The binary is cached like a model (Cache Storage, one entry per URL), so that a warm start
// fetches no wasm. Its URL does not change between SDK releases, so the copy is pinned to the
// runtime's version, which the module reports once it has loaded.
function fetchBinary(url: string, version: Promise<string>, onWarning: WarningSink | undefined): Promise<Uint8Array> {
  return fetchFile(url, {
    kind: 'runtime',
    what: 'onnxruntime-web runtime file',
    cache: true,
    version,
    onWarning,
    hint: "; is the SDK's baseUrl right?",
  });
}

async function importRuntime(backend: Backend, baseUrl: string, numThreads: number, onWarning?: WarningSink): Promise<OrtModule> {
  const build = builds[backend === 'webgpu' ? 'webgpu' : 'wasm']; // 'cpu' is TF.js's: the host never sends it here
  const moduleUrl = new URL(build.module, baseUrl).href;
  // Fetch the wasm binary ourselves, alongside the module and the model download, instead of letting
  // the runtime start fetching it only when the first session is created.
  const imported = import(/* @vite-ignore */ moduleUrl).catch((cause: unknown) => {
    throw new LoadError(`could not import the onnxruntime-web runtime ${moduleUrl}: ${String(cause)}`, {
      source: moduleUrl,
      cause,
    });
  }) as Promise<OrtModule>;
  const version = imported.then((ort) => ort.env.versions.web ?? ort.env.versions.common);
  const [ort, binary] = await Promise.all([imported, fetchBinary(new URL(build.binary, baseUrl).href, version, onWarning)]);
  ort.env.wasm.wasmPaths = baseUrl;
  ort.env.wasm.wasmBinary = binary;
  ort.env.wasm.numThreads = numThreads;
  ort.env.logLevel = 'error';
  return ort;
}

/**
 * The runtime for a backend, imported once per worker and kept warm. A WebGPU build already loaded
 * serves WASM sessions too. A failed import is forgotten so that the next load can retry.
 */
export function loadOrtRuntime(backend: Backend, baseUrl: string, numThreads: number, onWarning?: WarningSink): Promise<OrtModule> {
  const loaded = runtimes.get(backend) ?? (backend === 'wasm' ? runtimes.get('webgpu') : undefined);
  if (loaded !== undefined) return loaded;
  const runtime = importRuntime(backend, baseUrl, numThreads, onWarning);
  runtimes.set(backend, runtime);
  runtime.catch(() => runtimes.delete(backend));
  return runtime;
}
