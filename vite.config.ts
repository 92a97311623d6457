import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/wasm'));

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

function copyOrtRuntime(): Plugin {
  return {
    name: 'webinfer:copy-ort-runtime',
    writeBundle({ dir }) {
      const target = join(dir ?? 'dist', 'ort');
      mkdirSync(target, { recursive: true });
      for (const file of ortFiles) copyFileSync(join(ortDist, file), join(target, file));
    },
  };
}

// Two builds into one dist/: `vite build` (ESM page entry, worker, runtime files) and
// `vite build --mode iife` (one file for a plain <script> tag, global `webinfer`).
export default defineConfig(({ mode }) => ({
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
            entry: { webinfer: 'src/index.ts', 'webinfer.worker': 'src/worker/main.ts' },
            formats: ['es'],
            fileName: (_format, name) => `${name}.js`,
          },
          rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
        },
  plugins: mode === 'iife' ? [] : [copyOrtRuntime()],
}));
