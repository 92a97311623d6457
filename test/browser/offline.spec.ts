// The demo as an offline PWA: one online visit, then it loads and predicts with the network off.
// Drives the built demo (npm run build:demo) through `vite preview`, started here on a free port.
import { expect, test } from '@playwright/test';
import { SAMPLE_LINES } from '../../demo/src/ocr/sample-text.js';
import { demoBuilt, notBuilt, previewDemo } from './demo-preview.js';

let demo: Awaited<ReturnType<typeof previewDemo>> | undefined;
let origin = '';

test.beforeAll(async () => {
  test.skip(!demoBuilt, notBuilt);
  demo = await previewDemo();
  origin = demo.origin;
});

test.afterAll(async () => {
  await demo?.close();
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
