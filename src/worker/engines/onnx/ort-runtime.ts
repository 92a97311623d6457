import type * as Ort from 'onnxruntime-web';
import { LoadError, messageOf } from '../../../shared/errors.js';
import type { RuntimeDelivery, RuntimeFiles } from '../engine.js';
import { deliver } from '../../delivery/fetch-file.js';
import type { Backend } from '../../../shared/types.js';
import { wasmContainerProblem } from '../../delivery/wasm-container.js';

export type OrtModule = typeof Ort;

// The CPU-only build is 14 MB; the WebGPU build (26 MB) also runs the CPU provider, so a page that
// needs WebGPU downloads one build and a WASM-only page never downloads the WebGPU one. `glue` is the
// emscripten module the runtime imports from its own folder when it starts.
const builds = {
  wasm: { module: 'ort.wasm.min.mjs', glue: 'ort-wasm-simd-threaded.mjs', binary: 'ort-wasm-simd-threaded.wasm' },
  webgpu: {
    module: 'ort.webgpu.min.mjs',
    glue: 'ort-wasm-simd-threaded.asyncify.mjs',
    binary: 'ort-wasm-simd-threaded.asyncify.wasm',
  },
} as const;

const runtimes = new Map<Backend, Promise<OrtModule>>();
const started = new Map<Backend, OrtModule>();
// A module URL whose import failed stays failed in the browser's module map for the page's life, and
// an ORT module whose start failed refuses every later session: each retry imports fresh URLs.
let failedStarts = 0;

// The binary is cached like a model (Cache Storage, one entry per URL), so that a warm start
// fetches no wasm. Its URL does not change between SDK releases, so the copy is pinned to the
// runtime's version, which the module reports once it has loaded. It is cached only once its
// container is known whole, and a bad cached copy is fetched again.
function fetchBinary(
  name: string,
  url: string,
  version: Promise<string>,
  delivery: RuntimeDelivery,
): Promise<Uint8Array> {
  const what = 'onnxruntime-web runtime file';
  const options = {
    kind: 'runtime',
    runtimeFile: name,
    what,
    cache: true,
    version,
    hint: "; is the SDK's baseUrl right?",
    ...delivery,
  } as const;
  return deliver(url, options, async (bytes) => {
    const problem = wasmContainerProblem(bytes);
    if (problem !== undefined)
      throw new LoadError(`${what} ${url} is not a whole WebAssembly binary: ${problem}`, { source: url });
    return bytes;
  });
}

/**
 * Imports the runtime module, failing if it has not arrived within `timeoutMs`: an import shows no
 * progress to watch, so the whole import gets the stall deadline. (A stalled import stays pending in
 * the browser's module map, which is why a retry imports another URL.)
 */
function importWithin(moduleUrl: string, timeoutMs: number): Promise<OrtModule> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it did not arrive within ${timeoutMs} ms (stallTimeoutMs)`)),
      Math.min(timeoutMs, 2 ** 31 - 1),
    );
  });
  const imported = import(/* webpackIgnore: true */ /* @vite-ignore */ moduleUrl) as Promise<OrtModule>;
  return Promise.race([imported, stalled]).finally(() => clearTimeout(timer));
}

// 'cpu' is TF.js's: the host never sends it here.
const buildFor = (backend: Backend) => builds[backend === 'webgpu' ? 'webgpu' : 'wasm'];

/** The URL of the runtime module for a backend: named in errors. */
export function ortModuleUrl(backend: Backend, files: RuntimeFiles): string {
  return fileUrl(files, buildFor(backend).module);
}

function fileUrl(files: RuntimeFiles, name: string, query = ''): string {
  const url = files[name];
  if (url === undefined) throw new LoadError(`the onnxruntime-web file ${name} is missing from the SDK's build`);
  return url + query;
}

async function importRuntime(
  backend: Backend,
  files: RuntimeFiles,
  numThreads: number,
  delivery: RuntimeDelivery,
): Promise<OrtModule> {
  const build = buildFor(backend);
  const retry = failedStarts === 0 ? '' : `?retry=${failedStarts}`;
  const moduleUrl = fileUrl(files, build.module, retry);
  // Fetch the wasm binary ourselves, alongside the module and the model download, instead of letting
  // the runtime start fetching it only when the first session is created.
  const imported = importWithin(moduleUrl, delivery.stallTimeoutMs).catch((cause: unknown) => {
    failedStarts += 1;
    throw new LoadError(
      `could not import the onnxruntime-web runtime ${moduleUrl}: ${messageOf(cause)}; the next load will try again`,
      {
        source: moduleUrl,
        cause,
      },
    );
  });
  const version = imported.then((ort) => ort.env.versions.web ?? ort.env.versions.common);
  version.catch(() => undefined); // read only if a copy is to be cached; the import's failure is reported above
  const [ort, binary] = await Promise.all([
    imported,
    fetchBinary(build.binary, fileUrl(files, build.binary), version, delivery),
  ]);
  // The glue's own URL, not a folder: a bundler may have renamed each file (fingerprinted).
  ort.env.wasm.wasmPaths = { mjs: fileUrl(files, build.glue, retry) };
  ort.env.wasm.wasmBinary = binary;
  ort.env.wasm.numThreads = numThreads;
  ort.env.logLevel = 'error';
  started.set(backend, ort);
  return ort;
}

/**
 * The runtime for a backend, imported once per worker and kept warm. A WebGPU build already loaded
 * serves WASM sessions too. A failed import or download is forgotten so that the next load can retry.
 */
export function loadOrtRuntime(
  backend: Backend,
  files: RuntimeFiles,
  numThreads: number,
  delivery: RuntimeDelivery,
): Promise<OrtModule> {
  const loaded = runtimes.get(backend) ?? (backend === 'wasm' ? runtimes.get('webgpu') : undefined);
  if (loaded !== undefined) return loaded;
  const runtime = importRuntime(backend, files, numThreads, delivery);
  runtimes.set(backend, runtime);
  runtime.catch(() => runtimes.delete(backend));
  return runtime;
}

/** Forgets a runtime that failed to start (its glue or binary did not load): the next load imports it afresh. */
export function forgetOrtRuntime(ort: OrtModule): void {
  for (const [backend, module] of started) {
    if (module !== ort) continue;
    started.delete(backend);
    runtimes.delete(backend);
  }
  failedStarts += 1;
}
