import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../chromium.mjs';
import { expect, test } from './fixtures.js';
import { featuresFor } from './reference.js';

const mlpBytes = readFileSync(new URL('../models/out/mlp.onnx', import.meta.url));

test('a model tells what produces its results: file digest, engine, runtime, backend, threads', async ({ sdk }) => {
  const provenance = await sdk.page.evaluate(async (backend) => {
    const model = await window.webinfer.load('../models/out/mlp.onnx', { backend });
    return { provenance: model.provenance, cores: navigator.hardwareConcurrency };
  }, sdk.setup.backend);
  expect(provenance.provenance).toMatchObject({
    modelSha256: createHash('sha256').update(mlpBytes).digest('hex'),
    engine: 'onnx',
    runtime: 'onnxruntime-web 1.30.0',
    backend: sdk.setup.expectBackend,
    numThreads: sdk.setup.isolated ? Math.min(4, provenance.cores) : 1,
    deterministic: false,
  });
  expect(provenance.provenance.adapter !== undefined).toBe(sdk.setup.expectBackend === 'webgpu');
});

test('deterministic: true gives bit-identical results alone and inside bursts of 1 to 64 calls', async ({ sdk }) => {
  const rows = Array.from({ length: 64 }, (_, i) => featuresFor(i + 100));
  const subject = featuresFor(7);
  const outcome = await sdk.page.evaluate(
    async ({ rows, subject, backend }) => {
      const model = await window.webinfer.load('../models/out/mlp.onnx', {
        deterministic: true,
        ...(backend === 'webgpu' ? { backend } : {}),
      });
      const feeds = (row: number[]) => ({
        features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) },
      });
      const alone = await window.webinfer.outputDigest(await model.predict(feeds(subject)));
      const inBursts: string[] = [];
      for (const size of [1, 2, 7, 16, 63]) {
        const calls = rows.slice(0, size).map((row) => model.predict(feeds(row)));
        const mine = model.predict(feeds(subject));
        await Promise.all(calls);
        inBursts.push(await window.webinfer.outputDigest(await mine));
      }
      const stats = await model.stats();
      return {
        alone,
        inBursts,
        stats,
        backend: model.backend,
        reason: model.backendReason,
        provenance: model.provenance,
      };
    },
    { rows, subject, backend: sdk.setup.expectBackend },
  );
  expect(outcome.stats.runs).toBe(outcome.stats.requests); // never coalesced
  expect(outcome.provenance).toMatchObject({ deterministic: true, numThreads: 1 });
  if (sdk.setup.expectBackend === 'webgpu') {
    // Asked for by name: kept, and what differs is reported rather than assumed.
    expect(outcome.backend).toBe('webgpu');
    const differing = outcome.inBursts.filter((digest) => digest !== outcome.alone).length;
    test
      .info()
      .annotations.push({ type: 'webgpu', description: `${differing} of 5 bursts differ in bits from the call alone` });
    return;
  }
  expect(outcome.backend).toBe('wasm');
  expect(outcome.reason).toMatch(/as deterministic: true asks$/);
  expect(outcome.inBursts).toEqual(Array(5).fill(outcome.alone));
});

test('outputDigest fingerprints name, dtype, dims and bytes: equal outputs agree, one bit apart do not', async ({
  sdk,
}) => {
  const digests = await sdk.page.evaluate(async () => {
    const tensor = (values: number[]) => ({
      y: { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array(values) },
    });
    const flipped = new Float32Array([1, 2, 3]);
    new Uint8Array(flipped.buffer)[0]! ^= 1;
    return {
      a: await window.webinfer.outputDigest(tensor([1, 2, 3])),
      b: await window.webinfer.outputDigest(tensor([1, 2, 3])),
      bit: await window.webinfer.outputDigest({ y: { dtype: 'float32', dims: [1, 3], data: flipped } }),
      dims: await window.webinfer.outputDigest({
        y: { dtype: 'float32', dims: [3, 1], data: new Float32Array([1, 2, 3]) },
      }),
    };
  });
  const expected = createHash('sha256')
    .update('y\0float32\x001,3\0')
    .update(Buffer.from(new Float32Array([1, 2, 3]).buffer))
    .digest('hex');
  expect(digests.a).toBe(expected);
  expect(digests.b).toBe(expected);
  expect(digests.bit).not.toBe(expected);
  expect(digests.dims).not.toBe(expected);
});

test('on a plain-http page (no SubtleCrypto) models load without a digest, and outputDigest says why it cannot', async ({
  baseURL,
  setup,
}) => {
  test.skip(setup.isolated || setup.webgpuFlag, 'a check of the page, not of a backend: once is enough');
  const port = new URL(baseURL!).port;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--host-resolver-rules=MAP insecure.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://insecure.test:${port}/plain/test/pages/esm.html`);
    await page.waitForFunction(() => window.webinfer !== undefined);
    const outcome = await page.evaluate(async () => {
      if (window.isSecureContext) return 'the page is a secure context';
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend: 'wasm' });
      const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) } });
      const digest = await window.webinfer.outputDigest(out).then(() => 'digested', window.harness.error);
      return { provenance: model.provenance, digest };
    });
    expect(outcome).toMatchObject({ provenance: { engine: 'onnx', backend: 'wasm' } });
    expect((outcome as { provenance: object }).provenance).not.toHaveProperty('modelSha256');
    expect((outcome as { digest: { message: string } }).digest.message).toContain(
      'outputDigest needs SubtleCrypto, which exists only in secure contexts',
    );
  } finally {
    await browser.close();
  }
});
