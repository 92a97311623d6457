// Model delivery: progress, integrity, Cache Storage, quota, and the bad-delivery errors.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Sdk } from './fixtures.js';
import { featuresFor } from './reference.js';

const mlpBytes = readFileSync(new URL('../models/out/mlp.onnx', import.meta.url));
const sri = (bytes: Uint8Array): string => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
const mlpDigest = sri(mlpBytes);
const wrongDigest = sri(new TextEncoder().encode('not the model'));

/** Loads mlp in the page with `options`, runs one row, and returns what was seen. */
async function loadAndRun(sdk: Sdk, options: Record<string, unknown> = {}) {
  return sdk.page.evaluate(
    async ({ url, options, row }) => {
      const progress: unknown[] = [];
      const warnings: unknown[] = [];
      const model = await window.webinfer.load(url, {
        ...options,
        onProgress: (p) => progress.push(p),
        onWarning: (w) => warnings.push(w),
      });
      const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } });
      await model.dispose();
      return { progress, warnings, probs: Array.from(out.probs!.data as Float32Array) };
    },
    { url: sdk.modelUrl('mlp'), options: { backend: sdk.setup.backend, ...options }, row: featuresFor(3) },
  );
}

const requestsFor = (sdk: Sdk, file: string): number =>
  sdk.requests.filter((url) => new URL(url).pathname.endsWith(`/${file}`)).length;

const cachedFiles = (sdk: Sdk) => sdk.page.evaluate(() => window.webinfer.cachedFiles());

test('download progress arrives in order, loaded never goes back, ends at the file size, then init', async ({
  sdk,
}) => {
  const { progress } = await loadAndRun(sdk);
  const phases = (progress as { phase: string }[]).map((p) => p.phase);
  expect(phases.at(-1)).toBe('init');
  expect(phases.slice(0, -1).every((phase) => phase === 'download')).toBe(true);
  const downloads = progress.slice(0, -1) as { loaded: number; total: number | undefined }[];
  expect(downloads.length).toBeGreaterThanOrEqual(2);
  downloads.forEach((p, i) => expect(p.loaded).toBeGreaterThanOrEqual(downloads[i - 1]?.loaded ?? 0));
  expect(downloads.at(-1)).toEqual({ phase: 'download', loaded: mlpBytes.byteLength, total: mlpBytes.byteLength });
});

test('a second load of a model makes no request for it, reports the cache phase and gives the same outputs', async ({
  sdk,
}) => {
  const first = await loadAndRun(sdk);
  const second = await loadAndRun(sdk);
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(1);
  expect(second.progress).toEqual([
    { phase: 'cache', loaded: mlpBytes.byteLength, total: mlpBytes.byteLength },
    { phase: 'init' },
  ]);
  expect(second.probs).toEqual(first.probs);
});

test('a warm start (page reloaded) fetches neither the model nor any wasm binary', async ({ sdk }) => {
  const cold = await loadAndRun(sdk);
  await sdk.page.reload();
  await sdk.page.waitForFunction(() => window.webinfer !== undefined);
  const before = sdk.requests.length;
  const warm = await loadAndRun(sdk);
  const fetched = sdk.requests.slice(before).map((url) => new URL(url).pathname);
  expect(fetched.filter((path) => path.endsWith('.onnx') || path.endsWith('.wasm'))).toEqual([]);
  expect(warm.probs).toEqual(cold.probs);
});

test('the right integrity digest loads and is cached under it', async ({ sdk }) => {
  const { probs } = await loadAndRun(sdk, { integrity: mlpDigest });
  expect(probs).toHaveLength(4);
  const models = (await cachedFiles(sdk)).filter((file) => file.kind === 'model');
  expect(models).toMatchObject([
    { url: expect.stringMatching(/\/mlp\.onnx$/), bytes: mlpBytes.byteLength, tag: `sri:${mlpDigest}` },
  ]);
});

test('a wrong integrity digest rejects with IntegrityError naming the URL and both digests, and caches nothing', async ({
  sdk,
}) => {
  const error = await sdk.page.evaluate(
    async ({ url, integrity, backend }) => {
      try {
        await window.webinfer.load(url, { integrity, backend });
      } catch (error) {
        const { IntegrityError, LoadError, isIntegrityError } = window.webinfer;
        return {
          ...window.harness.error(error),
          isClass: error instanceof IntegrityError && error instanceof LoadError,
          guard: isIntegrityError(error),
        };
      }
      return null;
    },
    { url: sdk.modelUrl('mlp'), integrity: wrongDigest, backend: sdk.setup.backend },
  );
  expect(error).toMatchObject({ name: 'IntegrityError', isClass: true, guard: true });
  expect(error!.source).toMatch(/\/mlp\.onnx$/);
  expect(error!.message).toContain(error!.source);
  expect(error!.message).toContain(`expected ${wrongDigest}`);
  expect(error!.message).toContain(`got ${mlpDigest}`);
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
});

test('integrity may be a map of file to digest, keyed relative to the model URL', async ({ sdk }) => {
  const { probs } = await loadAndRun(sdk, { integrity: { 'mlp.onnx': mlpDigest } });
  expect(probs).toHaveLength(4);
  const error = await sdk.loadError(sdk.modelUrl('mlp'), { integrity: { 'mlp.onnx': wrongDigest }, cache: false });
  expect(error.name).toBe('IntegrityError');
});

test('a malformed integrity string rejects with OptionError before any download', async ({ sdk }) => {
  const error = await sdk.loadError(sdk.modelUrl('mlp'), { integrity: 'md5-abc' });
  expect(error).toMatchObject({ name: 'OptionError', option: 'integrity' });
  expect(error.message).toContain("'sha256-<base64>'");
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(0);
});

test('a new integrity means a new cache entry, replacing the old one', async ({ sdk }) => {
  await loadAndRun(sdk);
  const again = await loadAndRun(sdk, { integrity: mlpDigest });
  expect(again.progress[0]).toMatchObject({ phase: 'download' });
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  const models = (await cachedFiles(sdk)).filter((file) => file.kind === 'model');
  expect(models.map((file) => file.tag)).toEqual([`sri:${mlpDigest}`]);
});

test("cache: 'revalidate' asks the server again, uses the cached copy on a 304 without downloading it, and when offline", async ({
  sdk,
}) => {
  const first = await loadAndRun(sdk);
  const statuses: number[] = [];
  sdk.page.on('response', (response) => {
    if (new URL(response.url()).pathname.endsWith('/mlp.onnx')) statuses.push(response.status());
  });
  const online = await loadAndRun(sdk, { cache: 'revalidate' });
  // The server sends an ETag; asked with If-None-Match, it answers 304 and the body never travels.
  expect(statuses).toEqual([304]);
  expect(online.progress[0]).toMatchObject({ phase: 'cache', loaded: mlpBytes.byteLength });
  expect((online.progress as { phase: string }[]).some((p) => p.phase === 'download')).toBe(false);
  expect(online.probs).toEqual(first.probs);
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  await sdk.page.context().setOffline(true);
  const offline = await loadAndRun(sdk, { cache: 'revalidate' });
  await sdk.page.context().setOffline(false);
  expect(offline.progress[0]).toMatchObject({ phase: 'cache', loaded: mlpBytes.byteLength });
  expect(offline.probs).toEqual(first.probs);
});

test("cache: 'revalidate' with an integrity uses the copy pinned by that digest without asking again", async ({
  sdk,
}) => {
  await loadAndRun(sdk, { integrity: mlpDigest });
  const again = await loadAndRun(sdk, { integrity: mlpDigest, cache: 'revalidate' });
  expect(again.progress[0]).toMatchObject({ phase: 'cache', loaded: mlpBytes.byteLength });
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(1);
});

test('cache: false neither reads nor writes the cache', async ({ sdk }) => {
  await loadAndRun(sdk, { cache: false });
  await loadAndRun(sdk, { cache: false });
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
});

test('cachedFiles lists the model and the runtime binary with sizes; deleteCached and clearCache remove them', async ({
  sdk,
}) => {
  await loadAndRun(sdk);
  const files = await cachedFiles(sdk);
  expect(files.find((file) => file.kind === 'model')).toMatchObject({ bytes: mlpBytes.byteLength });
  const runtime = files.find((file) => file.kind === 'runtime');
  expect(runtime?.url).toMatch(/\/ort\/ort-wasm-simd-threaded(\.asyncify)?\.wasm$/);
  expect(runtime?.bytes).toBeGreaterThan(1_000_000);
  expect(runtime?.tag).toMatch(/^version:1\.\d+\.\d+/);
  const deleted = await sdk.page.evaluate((url) => window.webinfer.deleteCached(url), sdk.modelUrl('mlp'));
  expect(deleted).toBe(true);
  expect((await cachedFiles(sdk)).map((file) => file.kind)).toEqual(['runtime']);
  await loadAndRun(sdk);
  expect(requestsFor(sdk, 'mlp.onnx')).toBe(2);
  await sdk.page.evaluate(() => window.webinfer.clearCache());
  expect(await cachedFiles(sdk)).toEqual([]);
});

test("a runtime binary at a new URL (a bundler's new fingerprint) replaces its copy from the old URL in the cache", async ({
  sdk,
}) => {
  // The same dist/ at two URLs: a fault route whose fault matches no file passes every file through.
  const servedAt = (key: string) => `../../__fault/500once@no-such-file~${key}-${randomUUID()}/dist/`;
  await loadAndRun(sdk, { baseUrl: servedAt('old') });
  await loadAndRun(sdk, { baseUrl: servedAt('new') });
  const runtimes = (await cachedFiles(sdk)).filter((file) => file.kind === 'runtime');
  expect(runtimes.map((file) => file.url)).toEqual([expect.stringMatching(/~new-[\w-]+\/dist\/ort\/[\w.-]+\.wasm$/)]);
});

test('a runtime binary cut short at its new URL is not cached, and the good copy from the old URL stays', async ({
  sdk,
}) => {
  // The same dist/ at two URLs, as after a bundler renamed the runtime; at the new one, the wasm arrives cut once.
  const servedAt = (fault: string) => `../../__fault/${fault}~${randomUUID()}/dist/`;
  await loadAndRun(sdk, { baseUrl: servedAt('500once@no-such-file') });
  const before = (await cachedFiles(sdk)).filter((file) => file.kind === 'runtime');
  const cut = await sdk.page.evaluate(
    ({ url, baseUrl, backend }) =>
      window.webinfer.load(url, { baseUrl, backend }).then(() => null, window.harness.error),
    { url: sdk.modelUrl('mlp'), baseUrl: servedAt('cutonce@.wasm'), backend: sdk.setup.backend },
  );
  expect(cut).toMatchObject({ name: 'LoadError' });
  const after = (await cachedFiles(sdk)).filter((file) => file.kind === 'runtime');
  expect(after.map((file) => file.url)).toEqual(before.map((file) => file.url));
  expect(after).toHaveLength(1);
});

test('too little storage quota does not fail the load: the model runs uncached and a warning says why', async ({
  sdk,
}) => {
  const cdp = await sdk.page.context().newCDPSession(sdk.page);
  const origin = new URL(sdk.page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1000 });
  const { probs, warnings } = await loadAndRun(sdk);
  expect(probs).toHaveLength(4);
  const modelWarning = (warnings as { code: string; source: string; message: string }[]).find((w) =>
    w.source.endsWith('/mlp.onnx'),
  );
  expect(modelWarning).toMatchObject({ code: 'quota' });
  expect(modelWarning!.message).toContain('not cached');
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});

test('a truncated body rejects with a LoadError naming the URL and the bytes received', async ({ sdk }) => {
  const url = sdk.modelUrl('mlp').replace('../models/', '../../__truncated/test/models/');
  const error = await sdk.loadError(url);
  expect(error.name).toBe('LoadError');
  expect(error.source).toMatch(/\/__truncated\/test\/models\/out\/mlp\.onnx$/);
  expect(error.message).toContain(`${error.source} is truncated`);
  expect(error.message).toContain(`of ${mlpBytes.byteLength} bytes`);
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
});

test('a non-OK status rejects with a LoadError naming the URL and the status, and caches nothing', async ({ sdk }) => {
  const error = await sdk.loadError('../models/out/missing.onnx');
  expect(error).toMatchObject({ name: 'LoadError' });
  expect(error.message).toMatch(/could not fetch model http:\/\/\S+\/missing\.onnx: HTTP 404/);
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
});

test('an HTML page served as a model rejects with a LoadError that says so, and caches nothing', async ({ sdk }) => {
  const error = await sdk.loadError('../fixtures/page.onnx');
  expect(error.name).toBe('LoadError');
  expect(error.message).toMatch(/model http:\/\/\S+\/page\.onnx is an HTML page, not a model/);
  expect((await cachedFiles(sdk)).filter((file) => file.kind === 'model')).toEqual([]);
});
