import type { EnginePlugin } from '../engine.js';

/** ONNX models through onnxruntime-web, whose files the build copies to dist/ort/. */
export const onnxEngine: EnginePlugin = {
  kind: 'onnx',
  backends: ['webgpu', 'wasm'],
  // Literal URLs, relative to dist/webinfer.worker.js (the chunk this module is built into), so that an
  // app's bundler copies each file and rewrites its URL; the example apps' builds (test/examples) fail
  // if one of them does not resolve.
  runtimeFiles: () => ({
    'ort.wasm.min.mjs': new URL('./ort/ort.wasm.min.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.mjs': new URL('./ort/ort-wasm-simd-threaded.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.wasm': new URL('./ort/ort-wasm-simd-threaded.wasm', import.meta.url).href,
    'ort.webgpu.min.mjs': new URL('./ort/ort.webgpu.min.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.asyncify.mjs': new URL('./ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.asyncify.wasm': new URL('./ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  }),
  load: () => import('./onnx-engine.js'),
};
