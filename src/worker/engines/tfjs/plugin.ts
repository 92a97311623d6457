import type { EnginePlugin } from '../engine.js';

/**
 * TF.js graph and layers models, whose WASM binaries the build copies to dist/tfjs/. 'cpu' (plain
 * JavaScript) is used only when asked for by name: see backends.ts.
 */
export const tfjsEngine: EnginePlugin = {
  kind: 'tfjs',
  backends: ['webgpu', 'wasm', 'cpu'],
  // Literal URLs for the app's bundler to see, as in ../onnx/plugin.ts.
  runtimeFiles: () => ({
    'tfjs-backend-wasm.wasm': new URL('./tfjs/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./tfjs/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url)
      .href,
  }),
  load: () => import('./tfjs-engine.js'),
};
