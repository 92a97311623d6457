// The demo is a real app: full OCR in a worker task. Drives the built demo (npm run build:demo)
// through `vite preview`, on WASM and on forced WebGPU, and checks the text it reads.
import { SAMPLE_LINES } from '../../demo/src/ocr/sample-text.js';
import { demoBuilt, notBuilt, previewDemo } from './demo-preview.js';
import { expect, test } from './fixtures.js';

let demo: Awaited<ReturnType<typeof previewDemo>> | undefined;
let origin = '';

test.beforeAll(async ({ setup }) => {
  test.skip(!demoBuilt, notBuilt);
  // The demo serves itself cross-origin isolated: the isolated WASM and forced WebGPU setups cover it.
  test.skip(
    !setup.isolated || (setup.backend === 'auto' && setup.webgpuFlag),
    'covered by wasm-isolated and webgpu-forced',
  );
  demo = await previewDemo();
  origin = demo.origin;
});

test.afterAll(async () => {
  await demo?.close();
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
