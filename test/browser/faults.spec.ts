// Delivery under faults: a flaky server or proxy (see test/server.mjs, `__fault`), and a Cache Storage
// holding a bad copy. What must hold: nothing bad is cached, a bad cached copy heals itself, nothing
// waits forever, and the errors say what happened to which URL.
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../chromium.mjs';
import { expect, test, type Sdk } from './fixtures.js';
import { featuresFor } from './reference.js';

const mlpBytes = readFileSync(new URL('../models/out/mlp.onnx', import.meta.url)).byteLength;
const shardBytes = statSync(new URL('../models/out/tfjs/mlp/group1-shard2of2.bin', import.meta.url)).size;

/** A URL (relative to the test pages) that serves `path` with the fault `spec`, fresh for this test. */
const faulty = (spec: string, path: string): string => `../../__fault/${spec}~${randomUUID()}/${path}`;
const mlpPath = 'test/models/out/mlp.onnx';

/** Loads `url` in the page, runs one row if it loaded, and disposes it; an error comes back as data. */
async function tryLoad(sdk: Sdk, url: string, options: Record<string, unknown> = {}) {
  return sdk.page.evaluate(
    async ({ url, options, row }) => {
      try {
        const model = await window.webinfer.load(url, options);
        const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } });
        await model.dispose();
        return { ok: true as const, values: Object.values(out)[0]!.data.length };
      } catch (error) {
        return { ok: false as const, error: window.harness.error(error) };
      }
    },
    { url, options: { backend: sdk.setup.backend, ...options }, row: featuresFor(2) },
  );
}

const cachedFiles = (sdk: Sdk) => sdk.page.evaluate(() => window.webinfer.cachedFiles());
const cachedModels = async (sdk: Sdk) => (await cachedFiles(sdk)).filter((file) => file.kind === 'model');
const requestsFor = (sdk: Sdk, file: string): number =>
  sdk.requests.filter((url) => new URL(url).pathname.endsWith(`/${file}`)).length;

/** Replaces the bytes of webinfer's cached copy of the file named `name` with its first half. */
async function truncateCached(sdk: Sdk, name: string): Promise<void> {
  await sdk.page.evaluate(async (name) => {
    const cache = await caches.open('webinfer-v1');
    const key = (await cache.keys()).find((request) => new URL(request.url).pathname.endsWith(`/${name}`));
    if (key === undefined) throw new Error(`no cached ${name}`);
    const response = (await cache.match(key))!;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    headers.set('Content-Length', String(Math.floor(bytes.length / 2)));
    await cache.put(key, new Response(bytes.slice(0, Math.floor(bytes.length / 2)), { headers }));
  }, name);
}

test('a model body cut short without Content-Length is not cached: the load fails, and the next one downloads it again and runs', async ({
  sdk,
}) => {
  const url = faulty('cutonce', mlpPath);
  const first = await tryLoad(sdk, url);
  expect(first).toMatchObject({ ok: false, error: { name: 'LoadError' } });
  expect(first.ok || first.error.message).toContain('/mlp.onnx');
  expect(await cachedModels(sdk)).toEqual([]);
  expect(await tryLoad(sdk, url)).toEqual({ ok: true, values: 4 });
  expect(await cachedModels(sdk)).toMatchObject([{ bytes: mlpBytes }]);
});

test('a JSON error body served with status 200 is not cached: the next load downloads the model again', async ({
  sdk,
}) => {
  const url = faulty('json200once', mlpPath);
  expect(await tryLoad(sdk, url)).toMatchObject({ ok: false, error: { name: 'LoadError' } });
  expect(await cachedModels(sdk)).toEqual([]);
  expect(await tryLoad(sdk, url)).toEqual({ ok: true, values: 4 });
});

test('a bad copy of the model in Cache Storage is evicted and downloaded again, and the load succeeds', async ({
  sdk,
}) => {
  const url = sdk.modelUrl('mlp');
  expect(await tryLoad(sdk, url)).toEqual({ ok: true, values: 4 });
  await truncateCached(sdk, 'mlp.onnx');
  expect(await tryLoad(sdk, url)).toEqual({ ok: true, values: 4 });
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  expect(await cachedModels(sdk)).toMatchObject([{ bytes: mlpBytes }]);
});

test('an integrity-pinned copy tampered with in Cache Storage is verified on read, evicted and downloaded again', async ({
  sdk,
}) => {
  const { createHash } = await import('node:crypto');
  const integrity = `sha256-${createHash('sha256')
    .update(readFileSync(new URL('../models/out/mlp.onnx', import.meta.url)))
    .digest('base64')}`;
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'), { integrity })).toEqual({ ok: true, values: 4 });
  await truncateCached(sdk, 'mlp.onnx');
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'), { integrity })).toEqual({ ok: true, values: 4 });
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  expect(await cachedModels(sdk)).toMatchObject([{ bytes: mlpBytes, tag: `sri:${integrity}` }]);
});

test('a truncated runtime binary in Cache Storage is replaced at the next start instead of breaking every model', async ({
  sdk,
}) => {
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'))).toEqual({ ok: true, values: 4 });
  const runtime = (await cachedFiles(sdk)).find((file) => file.kind === 'runtime')!;
  const name = new URL(runtime.url).pathname.split('/').at(-1)!;
  await truncateCached(sdk, name);
  await sdk.page.reload(); // a fresh worker, which reads the runtime from the cache
  await sdk.page.waitForFunction(() => window.webinfer !== undefined);
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'))).toEqual({ ok: true, values: 4 });
  const healed = (await cachedFiles(sdk)).find((file) => file.kind === 'runtime');
  expect(healed).toMatchObject({ url: runtime.url, bytes: runtime.bytes, tag: runtime.tag });
});

test('a TF.js weight shard of the wrong size rejects with a LoadError naming the shard and both sizes, and is not cached', async ({
  sdk,
}) => {
  const url = faulty('shortonce@shard2of2.bin', 'test/models/out/tfjs/mlp/model.json');
  const first = await tryLoad(sdk, url);
  expect(first).toMatchObject({
    ok: false,
    error: { name: 'LoadError', source: expect.stringMatching(/\/group1-shard2of2\.bin$/) },
  });
  const message = first.ok ? '' : first.error.message;
  expect(message).toContain(first.ok ? '' : first.error.source);
  expect(message).toContain(`has ${Math.floor(shardBytes / 2)} bytes where the manifest's weights need ${shardBytes}`);
  expect(await tryLoad(sdk, url)).toEqual({ ok: true, values: 4 });
});

test('a download that stalls, before its headers or halfway through its body, fails after stallTimeoutMs with a LoadError naming the URL', async ({
  sdk,
}) => {
  for (const kind of ['stall', 'stallbody']) {
    const url = faulty(kind, mlpPath);
    const result = await tryLoad(sdk, url, { stallTimeoutMs: 1500 });
    expect(result).toMatchObject({
      ok: false,
      error: { name: 'LoadError', source: expect.stringMatching(/\/mlp\.onnx$/) },
    });
    expect(result.ok || result.error.message).toMatch(/mlp\.onnx stalled: no data for 1500 ms/);
  }
});

test('stalled downloads release their connections: after seven stall, the page still reaches its server', async ({
  sdk,
}) => {
  const urls = Array.from({ length: 7 }, () => faulty('stall', mlpPath));
  const results = await Promise.all(urls.map((url) => tryLoad(sdk, url, { stallTimeoutMs: 1500 })));
  expect(results.map((result) => result.ok || result.error.name)).toEqual(urls.map(() => 'LoadError'));
  // Chromium keeps six connections per host: had the stalled ones been kept, this would queue forever.
  const status = await sdk.page.evaluate(() =>
    Promise.race([
      fetch('esm.html', { cache: 'no-store' }).then((r) => r.status),
      new Promise((done) => setTimeout(() => done('still waiting'), 5000)),
    ]),
  );
  expect(status).toBe(200);
});

test('cancelled loads abort their downloads: after seven loads of a stalling server time out, the page still reaches it', async ({
  sdk,
}) => {
  const urls = Array.from({ length: 7 }, () => faulty('stall', mlpPath));
  // The stall deadline is far off: only the cancellation can free the connections.
  const results = await Promise.all(urls.map((url) => tryLoad(sdk, url, { stallTimeoutMs: 600_000, timeoutMs: 500 })));
  expect(results.map((result) => result.ok || result.error.name)).toEqual(urls.map(() => 'AbortError'));
  const status = await sdk.page.evaluate(() =>
    Promise.race([
      fetch('esm.html', { cache: 'no-store' }).then((r) => r.status),
      new Promise((done) => setTimeout(() => done('still waiting'), 5000)),
    ]),
  );
  expect(status).toBe(200);
});

test('a runtime binary whose download stalled once is fetched again by the next load', async ({ sdk }) => {
  const baseUrl = faulty('stallonce@.wasm', 'dist/');
  const first = await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl, stallTimeoutMs: 1500 });
  expect(first).toMatchObject({
    ok: false,
    error: { name: 'LoadError', source: expect.stringMatching(/\/ort\/ort-wasm-simd-threaded(\.asyncify)?\.wasm$/) },
  });
  expect(first.ok || first.error.message).toContain('stalled');
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl, stallTimeoutMs: 1500 })).toEqual({ ok: true, values: 4 });
});

test('a runtime module that failed once (HTTP 500) is imported again by the next load', async ({ sdk }) => {
  const baseUrl = faulty('500once@.min.mjs', 'dist/');
  const first = await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl });
  expect(first).toMatchObject({
    ok: false,
    error: { name: 'LoadError', source: expect.stringMatching(/\/ort\/ort\.(wasm|webgpu)\.min\.mjs$/) },
  });
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl })).toEqual({ ok: true, values: 4 });
});

test('a runtime module whose download stalled once is imported again by the next load', async ({ sdk }) => {
  const baseUrl = faulty('stallonce@.min.mjs', 'dist/');
  const first = await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl, stallTimeoutMs: 1500 });
  expect(first).toMatchObject({
    ok: false,
    error: { name: 'LoadError', source: expect.stringMatching(/\/ort\/ort\.(wasm|webgpu)\.min\.mjs$/) },
  });
  expect(first.ok || first.error.message).toContain('1500 ms');
  expect(await tryLoad(sdk, sdk.modelUrl('mlp'), { baseUrl, stallTimeoutMs: 1500 })).toEqual({ ok: true, values: 4 });
});

test('ten concurrent loads of one URL download it once, and every one of them runs', async ({ sdk }) => {
  const lengths = await sdk.page.evaluate(
    async ({ url, backend, row }) => {
      const models = await Promise.all(Array.from({ length: 10 }, () => window.webinfer.load(url, { backend })));
      const lengths: number[] = [];
      for (const model of models) {
        const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } });
        lengths.push(out.probs!.data.length);
        await model.dispose();
      }
      return lengths;
    },
    { url: sdk.modelUrl('mlp'), backend: sdk.setup.backend, row: featuresFor(2) },
  );
  expect(lengths).toEqual(Array(10).fill(4));
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(1);
});

test("a bare 'Failed to fetch' becomes a LoadError that names the URL and says what to check", async ({ sdk }) => {
  const result = await tryLoad(sdk, faulty('reset', mlpPath));
  expect(result).toMatchObject({ ok: false, error: { name: 'LoadError' } });
  const { message, source } = result.ok ? { message: '', source: '' } : result.error;
  expect(source).toMatch(/\/mlp\.onnx$/);
  expect(message).toContain(`could not fetch model ${source}`);
  expect(message).toContain('check that the server is reachable');
});

test('integrity on a page that is not a secure context rejects with an OptionError saying SubtleCrypto needs https', async ({
  baseURL,
}) => {
  const port = new URL(baseURL!).port;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--host-resolver-rules=MAP insecure.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://insecure.test:${port}/plain/test/pages/esm.html`);
    await page.waitForFunction(() => window.webinfer !== undefined);
    const error = await page.evaluate(async () => {
      if (window.isSecureContext) return 'the page is a secure context';
      const integrity = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
      return window.webinfer
        .load('../models/out/mlp.onnx', { integrity, backend: 'wasm' })
        .then(() => 'loaded', window.harness.error);
    });
    expect(error).toMatchObject({ name: 'OptionError', option: 'integrity' });
    expect((error as { message: string }).message).toContain(
      'integrity needs SubtleCrypto, which exists only in secure contexts (https or localhost)',
    );
  } finally {
    await browser.close();
  }
});
