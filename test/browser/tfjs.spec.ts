import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pseudoImage, referenceOutput } from '../models/tfjs-reference.mjs';
import { entries, expect, test, type Sdk } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

// SwiftShader compiles TF.js's WebGPU shaders for every new shape, at CPU speed: heavy tests get
// triple time there, and the batch-size-hungry ones run on the small layers model instead.
const onSwiftShader = (sdk: Sdk) => sdk.setup.expectBackend === 'webgpu';

const tfjsModel = (name: string) => `../models/out/tfjs/${name}`;
const human = (name: string) => tfjsModel(`human/${name}.json`);
const mlpLayers = tfjsModel('mlp/model.json');

// TF.js's cpu backend in Node is the reference. WASM reorders float sums (SIMD, threads); SwiftShader's
// WebGPU also uses other kernels (e.g. Winograd-free convs, fused activations), hence its looser bound.
const tolerance = (sdk: Sdk) => (sdk.setup.expectBackend === 'webgpu' ? 2e-3 : 1e-4);

interface Image {
  dtype: 'float32' | 'int32';
  dims: number[];
  data: number[];
}

const images: Record<string, (batch: number, seed: number) => Image> = {
  liveness: (n, seed) => ({ dtype: 'float32', dims: [n, 32, 32, 3], data: pseudoImage(n * 32 * 32 * 3, seed) }),
  emotion: (n, seed) => ({ dtype: 'float32', dims: [n, 64, 64, 1], data: pseudoImage(n * 64 * 64, seed) }),
  'movenet-lightning': (n, seed) => ({
    dtype: 'int32',
    dims: [n, 192, 192, 3],
    data: pseudoImage(n * 192 * 192 * 3, seed, 0, 256, true),
  }),
};

/** Runs model `key` on one input in the page; returns its outputs as plain data. */
async function predictImage(sdk: Sdk, key: string, input: string, image: Image) {
  return sdk.page.evaluate(
    async ({ key, input, image }) => {
      const data = image.dtype === 'int32' ? new Int32Array(image.data) : new Float32Array(image.data);
      const out = await window.harness.models[key]!.predict({
        [input]: { dtype: image.dtype, dims: image.dims, data } as never,
      });
      return window.harness.plain(out);
    },
    { key, input, image },
  );
}

for (const entry of entries) {
  test.describe(`TF.js (${entry} entry)`, () => {
    test.use({ entry });

    test('the same client code runs mlp.onnx and the TF.js layers model by changing only the URL', async ({ sdk }) => {
      const rows = [featuresFor(1), featuresFor(2), featuresFor(3)];
      const run = (url: string) =>
        sdk.page.evaluate(
          async ({ url, rows, backend }) => {
            const model = await window.webinfer.load(url, { backend });
            const out = await model.predict({
              features: { dtype: 'float32', dims: [3, 8], data: new Float32Array(rows.flat()) },
            });
            const summary = {
              engine: model.engine,
              backend: model.backend,
              inputs: model.inputs,
              outputs: model.outputs,
              out: window.harness.plain(out),
            };
            await model.dispose();
            return summary;
          },
          { url, rows, backend: sdk.setup.backend },
        );
      const onnx = await run(sdk.modelUrl('mlp'));
      const tfjs = await run(mlpLayers);
      expect(onnx.engine).toBe('onnx');
      expect(tfjs).toMatchObject({
        engine: 'tfjs',
        backend: sdk.setup.expectBackend,
        inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 8] }],
        outputs: [
          { name: 'logits', dtype: 'float32', shape: [-1, 4] },
          { name: 'probs', dtype: 'float32', shape: [-1, 4] },
        ],
      });
      const expected = rows.map((row) => mlp(row));
      for (const result of [onnx, tfjs]) {
        expect(result.out.probs).toMatchObject({ dtype: 'float32', dims: [3, 4], type: 'Float32Array' });
        expect(
          maxAbsDiff(
            result.out.logits!.data,
            expected.flatMap((e) => e.logits),
          ),
        ).toBeLessThan(1e-4);
        expect(
          maxAbsDiff(
            result.out.probs!.data,
            expected.flatMap((e) => e.probs),
          ),
        ).toBeLessThan(1e-4);
      }
    });
  });
}

test.describe('TF.js graph models', () => {
  for (const [name, input, batch] of [
    ['liveness', 'conv2d_1_input', 2],
    ['emotion', 'input_1', 2],
    ['movenet-lightning', 'input', 1],
  ] as const) {
    test(`${name} matches TF.js's cpu backend in Node on the same input`, async ({ sdk }) => {
      test.slow(onSwiftShader(sdk));
      const model = await sdk.load(name, human(name));
      expect(model.backend).toBe(sdk.setup.expectBackend);
      expect(model.inputs).toEqual([
        {
          name: input,
          dtype: images[name]!(1, 0).dtype,
          shape: name === 'movenet-lightning' ? [1, 192, 192, 3] : [-1, ...images[name]!(1, 0).dims.slice(1)],
        },
      ]);
      const image = images[name]!(batch, 7);
      const [actual, expected] = await Promise.all([
        predictImage(sdk, name, input, image),
        referenceOutput(name, image),
      ]);
      const [output] = Object.values(actual);
      expect(output!.dims).toEqual(expected.dims);
      expect(maxAbsDiff(output!.data, expected.data)).toBeLessThan(tolerance(sdk));
    });
  }

  test('256 concurrent calls with distinct inputs on the layers model each get their own result, in fewer engine runs', async ({
    sdk,
  }) => {
    await sdk.load('mlp', mlpLayers);
    const rows = Array.from({ length: 256 }, (_, i) => featuresFor(2000 + i));
    const { results, stats } = await sdk.page.evaluate(async (rows) => {
      const model = window.harness.models.mlp!;
      const calls = rows.map((row) =>
        model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(row) } }),
      );
      const outputs = await Promise.all(calls);
      return { results: outputs.map((out) => Array.from(out.probs!.data as Float32Array)), stats: await model.stats() };
    }, rows);
    results.forEach((probs, i) => expect(maxAbsDiff(probs, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
    expect(stats).toMatchObject({ requests: 256 });
    expect(stats.runs).toBeLessThan(256);
    expect(stats.largestRun).toBeGreaterThan(1);
  });

  test('200 concurrent calls with distinct inputs on liveness each get their own result, in fewer engine runs', async ({
    sdk,
  }) => {
    test.skip(
      onSwiftShader(sdk),
      'each new batch size compiles new shaders: minutes on SwiftShader; the layers model covers WebGPU',
    );
    await sdk.load('liveness', human('liveness'));
    const calls = 200;
    const batch = images.liveness!(calls, 11);
    const rowLength = 32 * 32 * 3;
    const { results, stats } = await sdk.page.evaluate(
      async ({ data, rowLength, calls }) => {
        const model = window.harness.models.liveness!;
        const all = new Float32Array(data);
        const pending = Array.from({ length: calls }, (_, i) =>
          model.predict({
            conv2d_1_input: {
              dtype: 'float32',
              dims: [1, 32, 32, 3],
              data: all.slice(i * rowLength, (i + 1) * rowLength),
            },
          }),
        );
        const outputs = await Promise.all(pending);
        return {
          results: outputs.map((out) => Array.from(out.Identity!.data as Float32Array)),
          stats: await model.stats(),
        };
      },
      { data: batch.data, rowLength, calls },
    );
    const expected = await referenceOutput('liveness', batch);
    results.forEach((probs, i) =>
      expect(maxAbsDiff(probs, expected.data.slice(i * 2, i * 2 + 2))).toBeLessThan(tolerance(sdk)),
    );
    expect(stats.requests).toBe(calls);
    expect(stats.runs).toBeLessThan(calls);
    expect(stats.largestRun).toBeGreaterThan(1);
  });

  test('movenet (int32 input, batch fixed at 1) runs concurrent calls one at a time, each correctly', async ({
    sdk,
  }) => {
    test.slow(onSwiftShader(sdk));
    const info = await sdk.load('movenet', human('movenet-lightning'));
    expect(info.outputs).toEqual([{ name: 'Identity', dtype: 'float32', shape: [1, 1, 17, 3] }]);
    const inputs = [21, 22, 23].map((seed) => images['movenet-lightning']!(1, seed));
    const { results, stats } = await sdk.page.evaluate(async (inputs) => {
      const model = window.harness.models.movenet!;
      const outputs = await Promise.all(
        inputs.map((image) =>
          model.predict({ input: { dtype: 'int32', dims: image.dims, data: new Int32Array(image.data) } }),
        ),
      );
      return {
        results: outputs.map((out) => Array.from(out.Identity!.data as Float32Array)),
        stats: await model.stats(),
      };
    }, inputs);
    expect(stats).toMatchObject({ runs: 3, requests: 3, largestRun: 1 });
    for (const [i, image] of inputs.entries()) {
      expect(maxAbsDiff(results[i]!, (await referenceOutput('movenet-lightning', image)).data)).toBeLessThan(
        tolerance(sdk),
      );
    }
  });
});

test.describe('TF.js engine behaviour', () => {
  test('bad inputs reject with an InputError naming the input, and the model keeps serving', async ({ sdk }) => {
    await sdk.load('emotion', human('emotion'));
    const outcome = await sdk.page.evaluate(async () => {
      const model = window.harness.models.emotion!;
      const good = () => ({
        dtype: 'float32' as const,
        dims: [1, 64, 64, 1],
        data: new Float32Array(64 * 64).fill(0.5),
      });
      const bad = [
        { input_1: { dtype: 'int32', dims: [1, 64, 64, 1], data: new Int32Array(64 * 64) } },
        { input_1: { dtype: 'float32', dims: [1, 64, 64, 3], data: new Float32Array(64 * 64 * 3) } },
        { input_1: { dtype: 'float32', dims: [64, 64, 1], data: new Float32Array(64 * 64) } },
        {},
        { input_1: good(), extra: good() },
      ];
      const errors = [];
      for (const feeds of bad) errors.push(await model.predict(feeds as never).then(() => null, window.harness.error));
      const after = await model.predict({ input_1: good() });
      return { errors, after: after.Identity!.dims };
    });
    expect(outcome.errors.map((e) => [e?.name, e?.input])).toEqual([
      ['InputError', 'input_1'],
      ['InputError', 'input_1'],
      ['InputError', 'input_1'],
      ['InputError', 'input_1'],
      ['InputError', 'extra'],
    ]);
    expect(outcome.errors[0]!.message).toContain('expects dtype float32, got int32');
    expect(outcome.after).toEqual([1, 7]);
  });

  test('the TF.js tensor count is the same before and after 1,000 predicts, and dispose() frees the weights', async ({
    sdk,
  }) => {
    test.slow(onSwiftShader(sdk));
    await sdk.load('mlp', mlpLayers);
    await sdk.load('liveness', human('liveness'));
    const counts = await sdk.page.evaluate(async () => {
      const { mlp, liveness } = window.harness.models;
      const features = () => ({
        features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(0.5) },
      });
      const image = () => ({
        conv2d_1_input: { dtype: 'float32' as const, dims: [1, 32, 32, 3], data: new Float32Array(3072).fill(0.5) },
      });
      await mlp!.predict(features());
      await liveness!.predict(image());
      const before = (await mlp!.stats()).engineTensors;
      // 900 calls in waves of 100 concurrent ones (coalesced runs and single runs), and 100 one by
      // one on the graph model (one batch size: SwiftShader compiles its shaders once).
      for (let wave = 0; wave < 9; wave++)
        await Promise.all(Array.from({ length: 100 }, () => mlp!.predict(features())));
      for (let call = 0; call < 100; call++) await liveness!.predict(image());
      const after = (await mlp!.stats()).engineTensors;
      await liveness!.dispose();
      const withoutLiveness = (await mlp!.stats()).engineTensors;
      return { before, after, withoutLiveness };
    });
    expect(counts.before).toBeGreaterThan(0);
    expect(counts.after).toBe(counts.before);
    expect(counts.withoutLiveness).toBeLessThan(counts.before!);
  });

  test('loads from in-memory artifacts and from a tf.io-style handler, like from the URL', async ({ sdk }) => {
    const results = await sdk.page.evaluate(
      async ({ url, backend }) => {
        const base = new URL(url, document.baseURI);
        const modelJson = await (await fetch(base)).json();
        const shards = () =>
          Promise.all(
            modelJson.weightsManifest[0].paths.map(async (p: string) => (await fetch(new URL(p, base))).arrayBuffer()),
          );
        const x = () => ({
          features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) },
        });
        const fromArtifacts = await window.webinfer.load({ modelJson, weights: await shards() }, { backend });
        const weightSpecs = modelJson.weightsManifest[0].weights;
        const weightData = await shards();
        const fromHandler = await window.webinfer.load(
          {
            load: async () => ({
              modelTopology: modelJson.modelTopology,
              format: modelJson.format,
              weightSpecs,
              weightData,
            }),
          },
          { backend },
        );
        const probs = async (model: typeof fromHandler) =>
          Array.from((await model.predict(x())).probs!.data as Float32Array);
        return {
          engine: fromArtifacts.engine,
          artifacts: await probs(fromArtifacts),
          handler: await probs(fromHandler),
        };
      },
      { url: mlpLayers, backend: sdk.setup.backend },
    );
    expect(results.engine).toBe('tfjs');
    const expected = mlp([1, 2, 3, 4, 5, 6, 7, 8]).probs;
    expect(maxAbsDiff(results.artifacts, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(results.handler, expected)).toBeLessThan(1e-4);
  });

  test("backend 'cpu' runs TF.js models on TF.js's cpu backend, and is refused for ONNX models", async ({ sdk }) => {
    const info = await sdk.load('mlp', mlpLayers, { backend: 'cpu' });
    expect(info.backend).toBe('cpu');
    const probs = await sdk.page.evaluate(async () => {
      const out = await window.harness.models.mlp!.predict({
        features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill(1) },
      });
      return Array.from(out.probs!.data as Float32Array);
    });
    expect(maxAbsDiff(probs, mlp(Array(8).fill(1)).probs)).toBeLessThan(1e-5);
    const error = await sdk.loadError(sdk.modelUrl('mlp'), { backend: 'cpu' });
    expect(error).toMatchObject({ name: 'BackendUnavailableError', backend: 'cpu' });
  });

  test('a missing weight shard, or a JSON file that is not a TF.js model, rejects load with a LoadError naming the file', async ({
    sdk,
  }) => {
    const missing = await sdk.loadError(tfjsModel('missing-shard/model.json'));
    expect(missing).toMatchObject({ name: 'LoadError' });
    expect(missing.source).toMatch(/\/tfjs\/missing-shard\/no-such-shard\.bin$/);
    expect(missing.message).toContain('HTTP 404');
    const notTfjs = await sdk.page.evaluate(
      (backend) =>
        window.webinfer
          .load({ modelJson: { hello: 'world' }, weights: [] }, { backend })
          .then(() => null, window.harness.error),
      sdk.setup.backend,
    );
    expect(notTfjs).toMatchObject({ name: 'LoadError' });
    expect(notTfjs!.message).toContain('has no modelTopology: it is not a TF.js model.json');
  });
});

/** Bytes of the SDK's own files (dist/) a page fetched, by kind: what a user's visitors download. */
function distBytes(requests: readonly string[]) {
  const root = join(import.meta.dirname, '..', '..');
  const files = [...new Set(requests.map((url) => new URL(url).pathname.replace(/^\/(coi|plain)\//, '')))].filter(
    (path) => path.startsWith('dist/'),
  );
  const sizes = files.map((path) => ({ path, bytes: statSync(join(root, path)).size }));
  return { files: sizes, total: sizes.reduce((sum, file) => sum + file.bytes, 0) };
}

test('a TF.js page never downloads onnxruntime-web, and an ONNX page never downloads TF.js', async ({
  sdk,
  browser,
}) => {
  await sdk.load('liveness', human('liveness'));
  const tfjsPage = distBytes(sdk.requests);
  const onnxSdk = await browser.newPage();
  const requests: string[] = [];
  onnxSdk.on('request', (request) => requests.push(request.url()));
  await onnxSdk.goto(sdk.page.url());
  await onnxSdk.waitForFunction(() => window.webinfer !== undefined);
  await onnxSdk.evaluate(
    async (backend) => void (await window.webinfer.load('../models/out/mlp.onnx', { backend })),
    sdk.setup.backend,
  );
  const onnxPage = distBytes(requests);
  await onnxSdk.close();
  expect(tfjsPage.files.map((f) => f.path).filter((path) => path.includes('/ort/'))).toEqual([]);
  expect(tfjsPage.files.some((f) => /\/tfjs\/tfjs-backend-wasm.*\.wasm$/.test(f.path))).toBe(
    sdk.setup.expectBackend === 'wasm',
  );
  expect(onnxPage.files.map((f) => f.path).filter((path) => /tfjs/.test(path))).toEqual([]);
  const otherBackend = sdk.setup.expectBackend === 'wasm' ? 'tfjs-backend-webgpu' : 'tfjs-backend-wasm';
  expect(tfjsPage.files.map((f) => f.path).filter((path) => path.includes(otherBackend))).toEqual([]);
  test.info().annotations.push({
    type: 'bytes',
    description: `TF.js page ${tfjsPage.total} B [${tfjsPage.files.map((f) => `${f.path.replace('dist/', '')} ${f.bytes}`).join(', ')}]; ONNX page ${onnxPage.total} B [${onnxPage.files.map((f) => `${f.path.replace('dist/', '')} ${f.bytes}`).join(', ')}]`,
  });
  console.log(`[${sdk.setup.expectBackend}] ${test.info().annotations.at(-1)!.description}`);
});

test('a warm start of a TF.js model (page reloaded) fetches neither its files nor its wasm binary', async ({ sdk }) => {
  test.skip(sdk.setup.expectBackend !== 'wasm', 'the wasm binary is what this checks');
  const run = () =>
    sdk.page.evaluate(
      async ({ url, backend }) => {
        const model = await window.webinfer.load(url, { backend });
        const out = await model.predict({
          features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill(0.5) },
        });
        return Array.from(Object.values(out)[0]!.data as Float32Array);
      },
      { url: mlpLayers, backend: sdk.setup.backend },
    );
  const cold = await run();
  await sdk.page.reload();
  await sdk.page.waitForFunction(() => window.webinfer !== undefined);
  const before = sdk.requests.length;
  const warm = await run();
  const fetched = sdk.requests.slice(before).map((url) => new URL(url).pathname);
  expect(fetched.filter((path) => /\.(wasm|json|bin)$/.test(path))).toEqual([]);
  expect(warm).toEqual(cold);
});
