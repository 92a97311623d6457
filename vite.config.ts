import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin, type Rolldown } from 'vite';

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/wasm'));
const tfjsWasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

// The worker imports onnxruntime-web at run time from dist/ort/, as plain files: bundling it would
// inline its multi-megabyte wasm as base64 and force every page to take every build.
const ortFiles = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.min.mjs',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

/**
 * Copies runtime files, as they are, into a folder of dist/ that the worker fetches them from, less
 * the source-map comments of ORT's modules: their maps are not shipped, and an app's dev server
 * (Vite) would fail to read them on every start.
 */
function copyRuntimeFiles(folder: string, from: string, files: readonly string[]): Plugin {
  return {
    name: `webinfer:copy-runtime-files:${folder}`,
    writeBundle({ dir }) {
      const target = join(dir ?? 'dist', folder);
      mkdirSync(target, { recursive: true });
      for (const file of files) {
        if (!file.endsWith('.mjs')) copyFileSync(join(from, file), join(target, file));
        else writeFileSync(join(target, file), readFileSync(join(from, file), 'utf8').replace(sourceMapComment, ''));
      }
    },
  };
}

const sourceMapComment = /\n\/\/# sourceMappingURL=\S+\s*$/;

// TF.js itself is bundled into the worker's lazily imported TF.js chunk; only its WASM backend's
// binaries are fetched at run time, from dist/tfjs/ (setWasmPaths), never from a CDN.
const tfjsWasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

// tfjs-backend-wasm starts its pthread workers from `factory.toString()`, so that function must not
// refer to anything outside itself. Its one outside name, emscripten's `_scriptDir` (undefined in a
// worker anyway), is guarded by `typeof`, which minification rewrites into a bare reference that
// throws in those workers: drop the name before the bundler sees it.
function selfContainedTfjsWasmFactory(): Plugin {
  return {
    name: 'webinfer:self-contained-tfjs-wasm-factory',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return null;
      return code
        .replace('typeof _scriptDir !== "undefined" && _scriptDir', 'false')
        .replace('Module["mainScriptUrlOrBlob"]||_scriptDir', 'Module["mainScriptUrlOrBlob"]');
    },
  };
}

// The SDK's own literal `new URL('./file', import.meta.url)` (its worker, its runtime files) name files
// of dist/, relative to the built chunk: they are for the app's bundler to find, so this build must
// not try to resolve (and inline) them. Hide them from it, then write them back out as they were.
const assetUrlRE = /new URL\((['"])\.\/([\w./-]+)\1, import\.meta\.url\)/g;
const hiddenBase = '__webinferImportMetaUrl';

function keepAssetUrlsForAppBundlers(mode: string): Plugin {
  return {
    name: 'webinfer:keep-asset-urls-for-app-bundlers',
    enforce: 'pre',
    apply: 'build', // vitest reads this config too, and runs no renderChunk to undo the transform
    transform(code, id) {
      if (!id.includes('/src/')) return null;
      const hidden = code.replace(assetUrlRE, (_, quote, file) => `new URL(${quote}./${file}${quote}, ${hiddenBase})`);
      return hidden === code ? null : hidden;
    },
    renderChunk(code) {
      // The IIFE build never reaches these (it has no import.meta): see page/bundle-url.ts.
      return code.replaceAll(hiddenBase, mode === 'iife' ? 'undefined' : 'import.meta.url');
    },
  };
}

// TF.js's chunks are named after their package (tfjs-core, tfjs-backend-wasm…) rather than 'dist',
// the folder their entry sits in, so that what a page downloads can be read off its file names.
// The worker's core, shared by the SDK's worker and `webinfer/worker` (an app's own worker entry),
// names its runtime files relative to itself (`new URL('./ort/…', import.meta.url)`): it sits at
// dist's root, beside ort/ and tfjs/.
const namesRuntimeFiles = (id: string) => /[\\/]src[\\/]worker[\\/]engines[\\/]\w+[\\/]plugin\.ts$/.test(id);

function chunkFileNames(chunk: Rolldown.PreRenderedChunk): string {
  if (chunk.moduleIds.some(namesRuntimeFiles)) return 'webinfer-[name]-[hash].js';
  const ids = chunk.facadeModuleId === null ? chunk.moduleIds : [chunk.facadeModuleId];
  const tfjsPackage = ids.map((id) => /@tensorflow[\\/](tfjs-[\w-]+)[\\/]/.exec(id)?.[1]).find(Boolean);
  return `chunks/${tfjsPackage ?? '[name]'}-[hash].js`;
}

// Two builds into one dist/: `vite build` (ESM page entry, worker, runtime files) and
// `vite build --mode iife` (one file for a plain <script> tag, global `webinfer`).
export default defineConfig(({ mode }) => ({
  // public/ holds the demo's assets, not the SDK's.
  publicDir: false,
  define: mode === 'iife' ? { 'import.meta.url': 'undefined' } : {},
  build:
    mode === 'iife'
      ? {
          emptyOutDir: false,
          lib: { entry: 'src/index.ts', name: 'webinfer', formats: ['iife'], fileName: () => 'webinfer.iife.js' },
        }
      : {
          target: 'es2022',
          lib: {
            entry: {
              webinfer: 'src/index.ts',
              'webinfer.worker': 'src/worker/main.ts',
              worker: 'src/worker/serve.ts',
              vite: 'src/vite/plugin.ts',
            },
            formats: ['es'],
            fileName: (_format, name) => `${name}.js`,
          },
          rollupOptions: { output: { chunkFileNames } },
        },
  plugins:
    mode === 'iife'
      ? [keepAssetUrlsForAppBundlers(mode)]
      : [
          keepAssetUrlsForAppBundlers(mode),
          copyRuntimeFiles('ort', ortDist, ortFiles),
          copyRuntimeFiles('tfjs', tfjsWasmDist, tfjsWasmFiles),
          selfContainedTfjsWasmFactory(),
        ],
}));
