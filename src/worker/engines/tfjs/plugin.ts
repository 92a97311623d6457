import type { EnginePlugin } from '../engine.js';

/**
 * TF.js graph and layers models, whose WASM binaries the build copies to dist/tfjs/. 'cpu' (plain
 * JavaScript) is used only when asked for by name: see backends.ts.
 */
export const tfjsEngine: EnginePlugin = {
  kind: 'tfjs',
  backends: ['webgpu', 'wasm', 'cpu'],
  runtimeFolder: 'tfjs/',
  load: () => import('./tfjs-engine.js'),
};
