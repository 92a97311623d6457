// Writes the TF.js test models into test/models/out/tfjs/:
// - mlp/: a layers model made here with TF.js (cpu backend, no tfjs-node) from the known weights in
//   weights.mjs, split into two weight shards so that shard resolution is exercised. Same interface
//   as mlp.onnx: features [batch, 8] -> logits, probs [batch, 4].
// - human/: liveness, emotion and movenet-lightning graph models copied from @vladmandic/human (MIT).
// Usage (from anywhere): node test/models/build-tfjs-models.mjs
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MLP } from './weights.mjs';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out', 'tfjs');
export const HUMAN_MODELS = ['liveness', 'emotion', 'movenet-lightning'];

/** The models/ folder of @vladmandic/human: its `exports` hide it, so go up from the resolved entry. */
export function humanModelsDir() {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@vladmandic/human');
  let dir = dirname(entry);
  while (!dir.endsWith(join('@vladmandic', 'human'))) dir = dirname(dir);
  return join(dir, 'models');
}

function buildMlp() {
  const features = tfl.input({ shape: [MLP.inFeatures], name: 'features' });
  const hidden = tfl.layers.dense({ units: MLP.hidden, activation: 'relu', name: 'hidden' }).apply(features);
  const logitsLayer = tfl.layers.dense({ units: MLP.outFeatures, name: 'logits' });
  const logits = logitsLayer.apply(hidden);
  const probs = tfl.layers.activation({ activation: 'softmax', name: 'probs' }).apply(logits);
  const model = tfl.model({ inputs: features, outputs: [logits, probs] });
  model.getLayer('hidden').setWeights([tf.tensor2d(MLP.W1), tf.tensor1d(MLP.b1)]);
  logitsLayer.setWeights([tf.tensor2d(MLP.W2), tf.tensor1d(MLP.b2)]);
  return model;
}

async function saveInShards(model, dir, shards) {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const bytes = new Uint8Array(artifacts.weightData);
      const cut = Math.ceil(bytes.byteLength / shards / 4) * 4;
      const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
      paths.forEach((path, i) => writeFileSync(join(dir, path), bytes.subarray(i * cut, (i + 1) * cut)));
      const json = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: 'webinfer test/models/build-tfjs-models.mjs',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** The mlp model.json with its second shard renamed to a file that does not exist. */
function writeMissingShardModel(from, dir) {
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(from, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths[1] = 'no-such-shard.bin';
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  copyFileSync(join(from, json.weightsManifest[0].paths[0]), join(dir, json.weightsManifest[0].paths[0]));
}

/** TF.js's own prebuilt browser bundles and a bare worker using them: the baseline for latency. */
function copyDirectTfjs(dir) {
  mkdirSync(dir, { recursive: true });
  const require = createRequire(import.meta.url);
  const dist = (pkg) => `${dirname(require.resolve(`${pkg}/package.json`))}/dist`;
  copyFileSync(join(dist('@tensorflow/tfjs-core'), 'tf-core.min.js'), join(dir, 'tf-core.min.js'));
  copyFileSync(join(dist('@tensorflow/tfjs-converter'), 'tf-converter.min.js'), join(dir, 'tf-converter.min.js'));
  copyFileSync(join(dist('@tensorflow/tfjs-backend-cpu'), 'tf-backend-cpu.min.js'), join(dir, 'tf-backend-cpu.min.js'));
  copyFileSync(
    join(dist('@tensorflow/tfjs-backend-wasm'), 'tf-backend-wasm.min.js'),
    join(dir, 'tf-backend-wasm.min.js'),
  );
  copyFileSync(join(dirname(fileURLToPath(import.meta.url)), 'tfjs-direct-worker.js'), join(dir, 'worker.js'));
}

function copyHumanModels(dir) {
  mkdirSync(dir, { recursive: true });
  const from = humanModelsDir();
  for (const name of HUMAN_MODELS) {
    for (const file of [`${name}.json`, `${name}.bin`]) copyFileSync(join(from, file), join(dir, file));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await tf.setBackend('cpu');
  await saveInShards(buildMlp(), join(OUT_DIR, 'mlp'), 2);
  writeMissingShardModel(join(OUT_DIR, 'mlp'), join(OUT_DIR, 'missing-shard'));
  copyDirectTfjs(join(OUT_DIR, 'direct'));
  copyHumanModels(join(OUT_DIR, 'human'));
  console.log(`wrote the TF.js layers model and ${HUMAN_MODELS.length} graph models to ${OUT_DIR}`);
}
