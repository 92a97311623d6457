// Reference outputs for the TF.js graph test models: TF.js's own cpu backend, in Node, on the same
// files the browser loads. Independent of webinfer (no worker, no batching, no WASM, no WebGPU).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';

const HUMAN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out', 'tfjs', 'human');
const models = new Map();

async function graphModel(name) {
  if (!models.has(name)) {
    await tf.setBackend('cpu');
    const json = JSON.parse(readFileSync(join(HUMAN_DIR, `${name}.json`), 'utf8'));
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => [
      manifest.flatMap((group) => group.weights),
      manifest.flatMap((group) =>
        group.paths.map((path) => new Uint8Array(readFileSync(join(HUMAN_DIR, path))).buffer),
      ),
    ]);
    models.set(name, await loadGraphModel(tf.io.fromMemory(artifacts)));
  }
  return models.get(name);
}

/**
 * Runs human model `name` on one input tensor ({ dtype, dims, data: number[] }) and returns its
 * first output as { dims, data: number[] }.
 */
export async function referenceOutput(name, input) {
  const model = await graphModel(name);
  const x = tf.tensor(input.data, input.dims, input.dtype);
  const y = model.execute(x);
  const out = { dims: y.shape, data: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

/** Deterministic pseudo-random values in [lo, hi): a reproducible test image. */
export function pseudoImage(count, seed, lo = 0, hi = 1, integer = false) {
  return Array.from({ length: count }, (_, i) => {
    const unit = Math.abs(Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) % 1;
    const value = lo + unit * (hi - lo);
    return integer ? Math.floor(value) : Math.fround(value);
  });
}
