// The demo is a real app: full OCR in a worker task. Drives the built demo (npm run build:demo)
// through `vite preview`, on WASM and on forced WebGPU, and checks the text it reads.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';
import { SAMPLE_LINES } from '../../demo/src/ocr/sample-text.js';
import { expect, test } from './fixtures.js';

const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
const demoBuilt = existsSync(fileURLToPath(new URL('../../demo-dist/index.html', import.meta.url)));

let server: PreviewServer | undefined;
let origin = '';

test.beforeAll(async ({ setup }) => {
  test.skip(!demoBuilt, 'the demo is not built: run `npm run build:demo` (npm test does)');
  // The demo serves itself cross-origin isolated: the isolated WASM and forced WebGPU setups cover it.
  test.skip(
    !setup.isolated || (setup.backend === 'auto' && setup.webgpuFlag),
    'covered by wasm-isolated and webgpu-forced',
  );
  server = await preview({ configFile: demoConfig, preview: { port: 0, strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await server?.close();
});

const readLines = (page: import('@playwright/test').Page) => page.locator('#ocr-lines li .text').allTextContents();

test('the demo reads the sample receipt line by line, in a task of its own worker', async ({ page, setup }) => {
  test.setTimeout(180_000);
  await page.goto(`${origin}/?backend=${setup.backend}`);
  await expect(page.locator('#ocr-lines')).toHaveAttribute('data-state', 'done', { timeout: 170_000 });
  expect(await readLines(page)).toEqual(SAMPLE_LINES);
  await expect(page.locator('#backend')).toHaveText(setup.expectBackend);
  await expect(page.locator('#status')).not.toHaveClass(/error/);
  // The boxes were drawn over the image: the canvas took the sample's size.
  expect(await page.locator('#ocr-canvas').evaluate((canvas: HTMLCanvasElement) => canvas.width)).toBeGreaterThan(100);
});
