// `npm run bench:first-visit`: the bytes a first visit costs. Opens the Vite example app (built from the
// packed SDK by `npm run examples`) in Chromium, once on WASM and once on forced WebGPU, notes every
// file the page and its workers fetch, and sums their sizes as served plain, gzip -9 and brotli -11
// (what a host serving precompressed files sends). Prints JSON and a one-line summary.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../test/chromium.mjs';
import { buildDir } from '../test/examples/layout.mjs';
import { serveStatic } from '../test/examples/static-server.mjs';

const root = join(buildDir, 'vite', 'dist');
if (!existsSync(root)) throw new Error(`${root} is missing: run \`npm run build && npm run examples\` first`);
const port = Number(process.env.BENCH_PORT ?? 4176);
const server = await serveStatic(root, port);

/** The dist files a first visit on `backend` fetches. */
async function visit(backend) {
  const args = backend === 'webgpu' ? [...chromiumArgs, '--enable-unsafe-webgpu'] : chromiumArgs;
  const browser = await chromium.launch({ executablePath: chromiumPath, args });
  const page = await browser.newPage();
  const files = new Set();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === `http://127.0.0.1:${port}`) files.add(url.pathname === '/' ? 'index.html' : url.pathname);
  });
  await page.goto(`http://127.0.0.1:${port}/?backend=${backend}`);
  await page
    .locator('output')
    .filter({ hasText: `${backend}: 3 5 7 9` })
    .waitFor({ timeout: 60_000 });
  await browser.close();
  return [...files];
}

const compressed = new Map();
function sizes(file) {
  if (!compressed.has(file)) {
    const bytes = readFileSync(join(root, file));
    const brotli = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    compressed.set(file, { plain: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotli.length });
  }
  return compressed.get(file);
}

const results = {};
for (const backend of ['wasm', 'webgpu']) {
  const files = await visit(backend);
  const total = { plain: 0, gzip: 0, brotli: 0 };
  for (const file of files) for (const [how, bytes] of Object.entries(sizes(file))) total[how] += bytes;
  results[backend] = { files: files.length, ...total };
}
server.close();

const mb = (bytes) => (bytes / 1e6).toFixed(1);
console.log(JSON.stringify(results, null, 2));
console.log(
  Object.entries(results)
    .map(
      ([backend, r]) =>
        `first visit, ${backend}: ${mb(r.plain)} MB plain, ${mb(r.gzip)} MB gzip, ${mb(r.brotli)} MB brotli`,
    )
    .join('; '),
);
