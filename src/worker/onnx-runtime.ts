import type * as Ort from 'onnxruntime-web';
import { LoadError } from '../errors.js';
import type { Backend } from '../types.js';

export type OrtModule = typeof Ort;

// The CPU-only build is 14 MB; the WebGPU build (26 MB) also runs the CPU provider, so a page that
// needs WebGPU downloads one build and a WASM-only page never downloads the WebGPU one.
const builds = {
  wasm: { module: 'ort.wasm.min.mjs', binary: 'ort-wasm-simd-threaded.wasm' },
  webgpu: { module: 'ort.webgpu.min.mjs', binary: 'ort-wasm-simd-threaded.asyncify.wasm' },
} as const;

const runtimes = new Map<Backend, Promise<OrtModule>>();

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new LoadError(`could not fetch the onnxruntime-web runtime file ${url}: ${String(cause)}`, { source: url, cause });
  }
  if (!response.ok) {
    throw new LoadError(
      `could not fetch the onnxruntime-web runtime file ${url}: HTTP ${response.status}; is the SDK's baseUrl right?`,
      { source: url },
    );
  }
  return response;
}

async function importRuntime(backend: Backend, baseUrl: string, numThreads: number): Promise<OrtModule> {
  const build = builds[backend];
  const moduleUrl = new URL(build.module, baseUrl).href;
  // Fetch the wasm binary ourselves, alongside the module and the model download, instead of letting
  // the runtime start fetching it only when the first session is created.
  const [ort, binary] = await Promise.all([
    import(/* @vite-ignore */ moduleUrl).catch((cause: unknown) => {
      throw new LoadError(`could not import the onnxruntime-web runtime ${moduleUrl}: ${String(cause)}`, {
        source: moduleUrl,
        cause,
      });
    }) as Promise<OrtModule>,
    fetchOk(new URL(build.binary, baseUrl).href).then((response) => response.arrayBuffer()),
  ]);
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
export function loadOrtRuntime(backend: Backend, baseUrl: string, numThreads: number): Promise<OrtModule> {
  const loaded = runtimes.get(backend) ?? (backend === 'wasm' ? runtimes.get('webgpu') : undefined);
  if (loaded !== undefined) return loaded;
  const runtime = importRuntime(backend, baseUrl, numThreads);
  runtimes.set(backend, runtime);
  runtime.catch(() => runtimes.delete(backend));
  return runtime;
}
