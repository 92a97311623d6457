// The demo as an offline PWA: one online visit, then it loads and predicts with the network off.
// Drives the built demo (npm run build:demo) through `vite preview`, started here on a free port.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { preview, type PreviewServer } from 'vite';
import { SAMPLE_LINES } from '../../demo/src/ocr/sample-text.js';

const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
const demoBuilt = existsSync(fileURLToPath(new URL('../../demo-dist/sw.js', import.meta.url)));

let server: PreviewServer | undefined;
let origin = '';

test.beforeAll(async () => {
  test.skip(!demoBuilt, 'the demo is not built: run `npm run build:demo` (npm test does)');
  server = await preview({ configFile: demoConfig, preview: { port: 0, strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await server?.close();
});

test('after one online visit the demo reloads and reads text offline, from the service worker and the cache', async ({
  page,
  context,
}) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  test.setTimeout(120_000);
  await page.goto(`${origin}/`);
  await expect(page.locator('#ocr-lines')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // The service worker must be installed and controlling before the network goes away.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#ocr-lines')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await page.locator('#ocr-lines li .text').allTextContents()).toEqual(SAMPLE_LINES);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await expect(page.locator('[data-part=network]')).toHaveText('offline');
  await expect(page.locator('#status')).not.toHaveClass(/error/);
  expect(await page.evaluate(() => crossOriginIsolated), 'COOP/COEP survive the service worker').toBe(true);

  // Read again: the task serves offline, not just the first read.
  await page.locator('#ocr-lines').evaluate((list) => list.removeAttribute('data-state'));
  await page.locator('#sample').click();
  await expect(page.locator('#ocr-lines')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  // blob: URLs (worker code made in the page) carry the page's origin too.
  expect(
    requests.filter((url) => new URL(url).origin !== origin),
    'requests to another origin',
  ).toEqual([]);
  await context.setOffline(false);
});
