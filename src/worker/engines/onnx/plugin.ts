import type { EnginePlugin } from '../engine.js';

/** ONNX models through onnxruntime-web, whose files the build copies to dist/ort/. */
export const onnxEngine: EnginePlugin = {
  kind: 'onnx',
  backends: ['webgpu', 'wasm'],
  runtimeFolder: 'ort/',
  load: () => import('./onnx-engine.js'),
};
