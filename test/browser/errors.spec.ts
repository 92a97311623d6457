import { entries, expect, test } from './fixtures.js';

// Each bad feeds object, and what the error must say about it. Built in the page (typed arrays).
const badFeeds = [
  { case: 'null feeds', build: 'null', input: undefined, says: 'expects a feeds object' },
  {
    case: 'an unknown input name',
    build: '({ features: good(), extra: good() })',
    input: 'extra',
    says: "unknown input 'extra'",
  },
  { case: 'a missing input', build: '({})', input: 'features', says: "missing input 'features'" },
  {
    case: 'the wrong dtype',
    build: "({ features: { dtype: 'int32', dims: [1, 8], data: new Int32Array(8) } })",
    input: 'features',
    says: 'expects dtype float32, got int32',
  },
  {
    case: 'a plain array as data',
    build: "({ features: { dtype: 'float32', dims: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] } })",
    input: 'features',
    says: 'must be a Float32Array',
  },
  {
    case: 'the wrong rank',
    build: "({ features: { dtype: 'float32', dims: [8], data: new Float32Array(8) } })",
    input: 'features',
    says: 'expects dims [batch, 8], got [8]',
  },
  {
    case: 'a wrong fixed dim',
    build: "({ features: { dtype: 'float32', dims: [1, 7], data: new Float32Array(7) } })",
    input: 'features',
    says: 'expects dims [batch, 8], got [1, 7]',
  },
  {
    case: 'data shorter than its dims',
    build: "({ features: { dtype: 'float32', dims: [2, 8], data: new Float32Array(15) } })",
    input: 'features',
    says: 'has dims [2, 8] (16 elements), but its data holds 15',
  },
  {
    case: 'dims given as strings',
    build: "({ features: { dtype: 'float32', dims: ['1', '8'], data: new Float32Array(8) } })",
    input: 'features',
    says: "non-negative integers, got ['1', '8']",
  },
  {
    case: 'a negative dim',
    build: "({ features: { dtype: 'float32', dims: [-1, 8], data: new Float32Array(8) } })",
    input: 'features',
    says: 'non-negative integers',
  },
] as const;

for (const entry of entries) {
  test.describe(`errors (${entry} entry)`, () => {
    test.use({ entry });

    test('each bad feeds object rejects with an InputError naming the input, and the model keeps serving', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const outcome = await sdk.page.evaluate(
        async (cases) => {
          const model = window.harness.models.mlp!;
          const good = () => ({ dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(0.25) });
          const goodCalls = Array.from({ length: 20 }, () => model.predict({ features: good() }));
          const errors = [];
          for (const { build } of cases) {
            const feeds = new Function('good', `return ${build}`)(good);
            try {
              await model.predict(feeds);
              errors.push(null);
            } catch (error) {
              errors.push({ ...window.harness.error(error), isClass: error instanceof window.webinfer.InputError });
            }
          }
          const served = await Promise.all(goodCalls);
          const after = await model.predict({ features: good() });
          return { errors, served: served.length, after: after.probs!.data.length };
        },
        badFeeds.map(({ build }) => ({ build })),
      );
      badFeeds.forEach((bad, i) => {
        const error = outcome.errors[i];
        expect(error, bad.case).toMatchObject({ name: 'InputError', isClass: true });
        expect(error!.message, bad.case).toContain(bad.says);
        expect(error!.input, bad.case).toBe(bad.input);
      });
      expect(outcome).toMatchObject({ served: 20, after: 4 });
    });

    test('a bad feeds object in predictBatch is named by its index, and no feeds object is sent', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const outcome = await sdk.page.evaluate(async () => {
        const model = window.harness.models.mlp!;
        const good = { features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) } };
        const bad = { features: { dtype: 'float32' as const, dims: [1, 7], data: new Float32Array(7) } };
        const error = await model.predictBatch([good, bad]).then(() => null, window.harness.error);
        return { error, goodKept: good.features.data.length, stats: await model.stats() };
      });
      expect(outcome.error).toMatchObject({ name: 'InputError', input: 'features' });
      expect(outcome.error!.message).toBe(
        "predictBatch feeds[1]: input 'features' expects dims [batch, 8], got [1, 7]",
      );
      expect(outcome.goodKept).toBe(8);
      expect(outcome.stats.requests).toBe(0);
    });

    test('a detached input (sent by an earlier call) is named and explained', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const error = await sdk.page.evaluate(async () => {
        const model = window.harness.models.mlp!;
        const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) };
        await model.predict({ features });
        return model.predict({ features }).then(() => null, window.harness.error);
      });
      expect(error).toMatchObject({ name: 'InputError', input: 'features' });
      expect(error!.message).toContain('detached');
    });

    test('a bad load option rejects with an OptionError naming it and what it may be, before any worker starts', async ({
      sdk,
    }) => {
      const gpu = await sdk.loadError(sdk.modelUrl('mlp'), { backend: 'gpu' });
      expect(gpu).toMatchObject({
        name: 'OptionError',
        option: 'backend',
        message: "load option backend must be 'auto', 'webgpu', 'wasm' or 'cpu', got 'gpu'",
      });
      const onx = await sdk.loadError(sdk.modelUrl('mlp'), { engine: 'onx' });
      expect(onx).toMatchObject({
        name: 'OptionError',
        option: 'engine',
        message: "load option engine must be 'onnx' or 'tfjs', got 'onx'",
      });
      const typo = await sdk.loadError(sdk.modelUrl('mlp'), { bakend: 'wasm' });
      expect(typo).toMatchObject({
        option: 'bakend',
        message: "unknown load option 'bakend' (did you mean 'backend'?)",
      });
      const classes = await sdk.page.evaluate(async () => {
        const { load, OptionError, InputError, isOptionError } = window.webinfer;
        const error = await load('../models/out/mlp.onnx', { batch: { maxSize: 0 } }).catch((e: unknown) => e);
        return {
          option: error instanceof OptionError,
          input: error instanceof InputError,
          guard: isOptionError(error),
        };
      });
      expect(classes).toEqual({ option: true, input: false, guard: true });
      const sent = sdk.requests.filter((url) => url.includes('webinfer.worker') || url.endsWith('mlp.onnx'));
      expect(sent, 'requests made for a load with a bad option').toEqual([]);
    });

    test("a tensor keyed 'type' (onnxruntime-web's name) is told the key is 'dtype'; a bad predict option is an OptionError", async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const outcome = await sdk.page.evaluate(async () => {
        const model = window.harness.models.mlp!;
        const data = () => new Float32Array(8).fill(0.25);
        const ortStyle = { features: { type: 'float32', dims: [1, 8], data: data() } };
        const good = () => ({ features: { dtype: 'float32' as const, dims: [1, 8], data: data() } });
        return {
          keyedType: await model.predict(ortStyle as never).then(() => null, window.harness.error),
          callOption: await model.predict(good(), { timeout: 5 } as never).then(() => null, window.harness.error),
          after: (await model.predict(good())).probs!.dims,
        };
      });
      expect(outcome.keyedType).toMatchObject({
        name: 'InputError',
        input: 'features',
        message:
          "input 'features' expects dtype float32, got undefined; the key is 'dtype', not 'type' (onnxruntime-web's name)",
      });
      expect(outcome.callOption).toMatchObject({
        name: 'OptionError',
        option: 'timeout',
        message: "unknown predict option 'timeout' (did you mean 'timeoutMs'?)",
      });
      expect(outcome.after).toEqual([1, 4]);
    });

    test('predict and stats after dispose reject with DisposedError; dispose twice is harmless', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const errors = await sdk.page.evaluate(async () => {
        const model = window.harness.models.mlp!;
        await model.dispose();
        await model.dispose();
        const feeds = { features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8) } };
        return Promise.all([
          model.predict(feeds).then(() => null, window.harness.error),
          model.stats().then(() => null, window.harness.error),
        ]);
      });
      for (const error of errors) expect(error).toMatchObject({ name: 'DisposedError' });
    });

    test('a missing model rejects load with a LoadError naming the URL and the HTTP status', async ({ sdk }) => {
      const error = await sdk.loadError('../models/out/no-such-model.onnx');
      expect(error.name).toBe('LoadError');
      expect(error.source).toMatch(/\/test\/models\/out\/no-such-model\.onnx$/);
      expect(error.message).toContain('HTTP 404');
      expect(error.message).toContain(error.source);
    });

    test('a corrupt model rejects load with a LoadError naming the URL, or "bytes"', async ({ sdk }) => {
      const fromUrl = await sdk.loadError('../fixtures/garbage.onnx');
      expect(fromUrl).toMatchObject({ name: 'LoadError' });
      expect(fromUrl.message).toMatch(/could not load ONNX model http:\/\/\S+\/test\/fixtures\/garbage\.onnx/);
      const fromBytes = await sdk.page.evaluate(async (backend) => {
        const bytes = new Uint8Array(256).map((_, i) => (i * 37) % 251);
        return window.webinfer.load(bytes, { backend }).then(() => null, window.harness.error);
      }, sdk.setup.backend);
      expect(fromBytes).toMatchObject({ name: 'LoadError', source: 'bytes' });
      expect(fromBytes!.message).toContain('could not load ONNX model bytes');
    });

    test('an HTML page served in place of a model is called out as such', async ({ sdk }) => {
      const error = await sdk.loadError('../fixtures/page.onnx');
      expect(error).toMatchObject({ name: 'LoadError' });
      expect(error.message).toContain('is an HTML page, not a model');
    });

    test('errors raised in the worker arrive as the SDK error classes, with their context', async ({ sdk }) => {
      const seen = await sdk.page.evaluate(async () => {
        try {
          await window.webinfer.load('../models/out/no-such-model.onnx');
        } catch (error) {
          const { LoadError, WebinferError, isLoadError } = window.webinfer;
          return { load: error instanceof LoadError, base: error instanceof WebinferError, guard: isLoadError(error) };
        }
        return null;
      });
      expect(seen).toEqual({ load: true, base: true, guard: true });
    });

    test('a wrong baseUrl rejects load with WorkerCrashedError instead of hanging', async ({ sdk }) => {
      const error = await sdk.loadError(sdk.modelUrl('mlp'), { baseUrl: '/coi/nowhere/' });
      expect(error.name).toBe('WorkerCrashedError');
      expect(error.message).toContain('/coi/nowhere/webinfer.worker.js');
    });

    test('loads only the runtime build its backend needs, all from the page origin', async ({ sdk }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const fetched = sdk.requests.map((url) => new URL(url).pathname.split('/').pop());
      expect(fetched).toContain('mlp.onnx'); // worker requests are seen, so the origin check means something
      if (sdk.setup.expectBackend === 'wasm') {
        expect(fetched).toContain('ort-wasm-simd-threaded.wasm');
        expect(fetched.filter((file) => file?.includes('asyncify') || file?.includes('jsep'))).toEqual([]);
      } else {
        expect(fetched).toContain('ort-wasm-simd-threaded.asyncify.wasm');
        expect(fetched).not.toContain('ort-wasm-simd-threaded.wasm');
      }
    });
  });
}

test('forcing WebGPU where the browser has none rejects with BackendUnavailableError naming webgpu', async ({
  sdk,
}) => {
  test.skip(sdk.setup.webgpuFlag, 'this setup has a WebGPU adapter');
  const error = await sdk.loadError(sdk.modelUrl('mlp'), { backend: 'webgpu' });
  expect(error).toMatchObject({ name: 'BackendUnavailableError', backend: 'webgpu' });
  expect(error.message).toContain("backend 'webgpu' is unavailable");
});

test('a baseUrl that is not a URL rejects with OptionError; one on another origin with WorkerCrashedError saying why', async ({
  sdk,
}) => {
  const invalid = await sdk.loadError(sdk.modelUrl('mlp'), { baseUrl: 'http://[::1' });
  expect(invalid).toMatchObject({
    name: 'OptionError',
    option: 'baseUrl',
    message: "load option baseUrl must be a valid URL, got 'http://[::1'",
  });
  // The page is on 127.0.0.1: localhost is another origin, and nothing is requested from it.
  const foreign = await sdk.loadError(sdk.modelUrl('mlp'), { baseUrl: 'http://localhost:9/webinfer/' });
  expect(foreign.name).toBe('WorkerCrashedError');
  expect(foreign.message).toContain(
    'the webinfer worker http://localhost:9/webinfer/webinfer.worker.js could not start',
  );
  expect(foreign.message).toContain("a worker script must come from the page's own origin (http://127.0.0.1:");
});

test('a model URL with a password rejects with an InputError that does not repeat the password', async ({ sdk }) => {
  const error = await sdk.loadError('http://alice:s3cret@127.0.0.1:9/m.onnx');
  expect(error.name).toBe('InputError');
  expect(error.message).toContain('http://***@127.0.0.1:9/m.onnx carries credentials');
  expect(JSON.stringify(error)).not.toContain('s3cret');
});

test('a signed model URL that fails names the file without its signature, in the error and its source', async ({
  sdk,
}) => {
  const error = await sdk.loadError('../models/out/missing.onnx?X-Amz-Signature=0fe1d2c3&v=2');
  expect(error.name).toBe('LoadError');
  expect(error.message).toMatch(
    /could not fetch model http:\/\/\S+\/missing\.onnx\?X-Amz-Signature=\*\*\*&v=2: HTTP 404/,
  );
  expect(error.source).toMatch(/\/missing\.onnx\?X-Amz-Signature=\*\*\*&v=2$/);
  expect(JSON.stringify(error)).not.toContain('0fe1d2c3');
});

// alloc.onnx's output is ConstantOfShape(shape): the caller picks its size.
const allocate = (sdk: import('./fixtures.js').Sdk, shapes: number[][]) =>
  sdk.page.evaluate(
    async ({ url, backend, shapes }) => {
      const model = await window.webinfer.load(url, { backend });
      const calls = shapes.map((shape) =>
        model
          .predict({ shape: { dtype: 'int64', dims: [3], data: BigInt64Array.from(shape, BigInt) } })
          .then(
            (out) => ({ dims: out.filled!.dims, first: (out.filled!.data as Float32Array)[0] }),
            window.harness.error,
          ),
      );
      return Promise.all(calls);
    },
    { url: sdk.modelUrl('alloc'), backend: sdk.setup.backend, shapes },
  );

test('an output too large to send back rejects its own call with OutOfMemoryError naming it; the calls beside it succeed', async ({
  sdk,
}) => {
  test.skip(
    sdk.setup.expectBackend !== 'wasm',
    'a 2.4 GB output is a WASM-heap case; a GPU buffer that size fails earlier',
  );
  const [small, huge, after] = await allocate(sdk, [
    [2, 2, 2],
    [600, 1024, 1024],
    [1, 1, 3],
  ]);
  expect(small).toEqual({ dims: [2, 2, 2], first: 1 });
  expect(huge).toMatchObject({ name: 'OutOfMemoryError', output: 'filled' });
  expect((huge as { message: string }).message).toContain(
    "output 'filled' has dims [600, 1024, 1024]: 2516582400 bytes",
  );
  expect(after).toEqual({ dims: [1, 1, 3], first: 1 });
});

test('a request for 4 GiB or more rejects with OutOfMemoryError, and the model keeps serving', async ({ sdk }) => {
  test.skip(
    sdk.setup.expectBackend !== 'wasm',
    "the WebGPU runtime's limits differ; this checks the WASM runtime's overflow",
  );
  const [tooBig, after] = await allocate(sdk, [
    [1024, 1024, 1024],
    [1, 2, 2],
  ]);
  expect(tooBig).toMatchObject({ name: 'OutOfMemoryError', backend: 'wasm' });
  expect(after).toEqual({ dims: [1, 2, 2], first: 1 });
});

test("the guards recognise errors made by the SDK in another realm (an iframe's copy), where instanceof fails", async ({
  sdk,
}) => {
  const seen = await sdk.page.evaluate(async () => {
    const frame = document.createElement('iframe');
    frame.src = location.href;
    document.body.append(frame);
    const other = frame.contentWindow as Window & typeof globalThis;
    await new Promise<void>((resolve) => {
      const check = () => (other.webinfer !== undefined ? resolve() : setTimeout(check, 20));
      check();
    });
    const made = new other.webinfer.InputError("input 'x' expects dims [n, 4], got [1, 3]");
    const loadFailure = await other.webinfer.load('../models/out/no-such-model.onnx').then(
      () => null,
      (error: unknown) => error,
    );
    const { isInputError, isWebinferError, isLoadError, InputError } = window.webinfer;
    return {
      instanceOf: [made instanceof InputError, (made as object) instanceof Error],
      input: isInputError(made),
      base: isWebinferError(made),
      load: isLoadError(loadFailure),
      loadIsInput: isInputError(loadFailure),
    };
  });
  expect(seen).toEqual({ instanceOf: [false, false], input: true, base: true, load: true, loadIsInput: false });
});
