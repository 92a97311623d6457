// The example apps of examples/, installed from the packed SDK and built by their own bundler
// (test/examples/build-examples.mjs), as a user would run them: no copy step, no baseUrl.
import type { Page } from '@playwright/test';
import { examplePorts } from '../examples/layout.mjs';
import { expect, test } from './fixtures.js';

interface App {
  name: string;
  ports: { plain: number; isolated: number };
  /** Whether the bundler keeps webinfer's engines in chunks of their own (an ONNX page takes no TF.js). */
  codeSplit: boolean;
}

const apps: App[] = [
  { name: 'the Vite production build (with webinfer/vite)', ports: examplePorts.vite, codeSplit: true },
  { name: 'the Vite production build with no config', ports: examplePorts.viteNoConfig, codeSplit: false },
  { name: 'the webpack production build', ports: examplePorts.webpack, codeSplit: true },
  { name: 'the Vite dev server (with webinfer/vite)', ports: examplePorts.viteDev, codeSplit: false },
  { name: 'the Vite dev server with no config', ports: examplePorts.viteDevNoConfig, codeSplit: false },
  { name: 'the Vite 7 production build (with webinfer/vite)', ports: examplePorts.vite7, codeSplit: true },
  { name: 'the Vite 7 dev server (with webinfer/vite)', ports: examplePorts.vite7Dev, codeSplit: false },
];

interface Fetched {
  url: string;
  status: number;
  bytes: number;
}

/** Every response the page and its workers get, with its body's size, and every console complaint. */
function watch(page: Page): { fetched: Promise<Fetched>[]; complaints: string[] } {
  const fetched: Promise<Fetched>[] = [];
  const complaints: string[] = [];
  page.on('response', (response) => {
    const sized = response.request().sizes();
    fetched.push(
      sized.then(({ responseBodySize }) => ({
        url: response.url(),
        status: response.status(),
        bytes: responseBodySize,
      })),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') complaints.push(message.text());
  });
  page.on('pageerror', (error) => complaints.push(error.message));
  return { fetched, complaints };
}

const MB = 1024 * 1024;
const isJs = (url: string) => /\.m?js(\?|$)/.test(url);

for (const app of apps) {
  test(`${app.name} predicts y = 2x + 1 with every file from its own origin, none missing`, async ({ page, setup }) => {
    test.skip(setup.webgpuFlag && setup.backend === 'auto', 'the forced WebGPU setup covers the WebGPU side');
    const origin = `http://127.0.0.1:${setup.isolated ? app.ports.isolated : app.ports.plain}`;
    const { fetched, complaints } = watch(page);
    await page.goto(`${origin}/?backend=${setup.backend}`);
    await expect(page.locator('#predict')).toHaveText(`${setup.expectBackend}: 3 5 7 9`, { timeout: 30_000 });
    // The app's own worker entry, built by the same bundler, chains two runs in a task.
    await expect(page.locator('#task')).toHaveText(`${setup.expectBackend}: 7 11 15 19`, { timeout: 30_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(setup.isolated);

    const files = await Promise.all(fetched);
    const foreign = files.filter(({ url }) => new URL(url).origin !== origin && !/^(data|blob):/.test(url));
    expect(foreign, 'requests to another origin').toEqual([]);
    expect(files.filter(({ status }) => status >= 400)).toEqual([]);
    expect(complaints).toEqual([]);

    // One onnxruntime-web build: the 13.6 MiB WASM one, or the 25.5 MiB WebGPU one, never both.
    const total = files.reduce((sum, { bytes }) => sum + bytes, 0);
    if (setup.expectBackend === 'wasm') expect(total).toBeLessThan(16 * MB);
    else expect(total).toBeGreaterThan(25 * MB);
    expect(total).toBeLessThan(30 * MB);
    if (app.codeSplit) {
      // TF.js alone is over 1 MB of JavaScript; this ONNX page's code (SDK, ORT's modules) is under 0.4 MB.
      const js = files.filter(({ url }) => isJs(url)).reduce((sum, { bytes }) => sum + bytes, 0);
      expect(js).toBeLessThan(0.4 * MB);
    }
  });
}
