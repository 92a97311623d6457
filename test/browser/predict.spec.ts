import { entries, expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';

// Float32 on WASM matches a float64 reference to 1e-5; WebGPU kernels may reorder sums: 1e-4.
const tolerance = (backend: string) => (backend === 'webgpu' ? 1e-4 : 1e-5);

for (const entry of entries) {
  test.describe(`predict (${entry} entry)`, () => {
    test.use({ entry });

    test('loads on the backend this setup calls for and reports the model signature', async ({ sdk }) => {
      const model = await sdk.load('mlp', sdk.modelUrl('mlp'));
      expect(model.backend).toBe(sdk.setup.expectBackend);
      expect(model.backendReason.length).toBeGreaterThan(0);
      expect(model.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: ['batch', 8] }]);
      expect(model.outputs).toEqual([
        { name: 'logits', dtype: 'float32', shape: ['batch', 4] },
        { name: 'probs', dtype: 'float32', shape: ['batch', 4] },
      ]);
      expect(await sdk.page.evaluate(() => crossOriginIsolated)).toBe(sdk.setup.isolated);
    });

    test('a float32 MLP gives the logits and probabilities of an independent computation', async ({ sdk }) => {
      const { backend } = await sdk.load('mlp', sdk.modelUrl('mlp'));
      const rows = [0, 1, 2].map((seed) => featuresFor(seed));
      const out = await sdk.page.evaluate(async (rows) => {
        const data = new Float32Array(rows.flat());
        const result = await window.harness.models.mlp!.predict({ features: { dtype: 'float32', dims: [3, 8], data } });
        return window.harness.plain(result);
      }, rows);
      expect(Object.keys(out).sort()).toEqual(['logits', 'probs']);
      expect(out.probs).toMatchObject({ dtype: 'float32', dims: [3, 4], type: 'Float32Array' });
      const expected = rows.map(mlp);
      expect(
        maxAbsDiff(
          out.logits!.data,
          expected.flatMap((e) => e.logits),
        ),
      ).toBeLessThan(tolerance(backend));
      expect(
        maxAbsDiff(
          out.probs!.data,
          expected.flatMap((e) => e.probs),
        ),
      ).toBeLessThan(tolerance(backend));
    });

    test('int64 inputs give int64 and bool outputs, two outputs from one run', async ({ sdk }) => {
      await sdk.load('ids', sdk.modelUrl('int64_bool'));
      const ids = ['-3', '0', '5', '9007199254740993', '-9007199254740993', '1'];
      const out = await sdk.page.evaluate(async (ids) => {
        const data = BigInt64Array.from(ids, BigInt);
        const result = await window.harness.models.ids!.predict({ ids: { dtype: 'int64', dims: [2, 3], data } });
        return window.harness.plain(result);
      }, ids);
      expect(out.doubled).toEqual({
        dtype: 'int64',
        dims: [2, 3],
        type: 'BigInt64Array',
        data: ids.map((v) => String(BigInt(v) * 2n)),
      });
      expect(out.positive).toEqual({ dtype: 'bool', dims: [2, 3], type: 'Uint8Array', data: [0, 0, 1, 1, 0, 1] });
    });

    test('every supported input dtype round-trips bit for bit', async ({ sdk }) => {
      await sdk.load('dtypes', sdk.modelUrl('dtypes'));
      const out = await sdk.page.evaluate(async () => {
        const result = await window.harness.models.dtypes!.predict({
          i32: { dtype: 'int32', dims: [2, 2], data: new Int32Array([-2147483648, -1, 0, 2147483647]) },
          u8: { dtype: 'uint8', dims: [2, 2], data: new Uint8Array([0, 1, 128, 255]) },
          i8: { dtype: 'int8', dims: [2, 2], data: new Int8Array([-128, -1, 0, 127]) },
          // 1.0, -2.0, 65504 (largest half), 0x7c00 = +Infinity
          f16: { dtype: 'float16', dims: [2, 2], data: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x7c00]) },
          flag: { dtype: 'bool', dims: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
        });
        return window.harness.plain(result);
      });
      expect(out.i32_out).toMatchObject({ dtype: 'int32', type: 'Int32Array', data: [-2147483648, -1, 0, 2147483647] });
      expect(out.u8_out).toMatchObject({ dtype: 'uint8', type: 'Uint8Array', data: [0, 1, 128, 255] });
      expect(out.i8_out).toMatchObject({ dtype: 'int8', type: 'Int8Array', data: [-128, -1, 0, 127] });
      expect(out.f16_out).toMatchObject({
        dtype: 'float16',
        dims: [2, 2],
        type: 'Uint16Array',
        data: [0x3c00, 0xc000, 0x7bff, 0x7c00],
      });
      expect(out.flag_out).toMatchObject({ dtype: 'bool', type: 'Uint8Array', data: [1, 0, 0, 1] });
    });

    test('an unnamed dynamic dim is reported as -1 and accepts any size', async ({ sdk }) => {
      const model = await sdk.load('neg', sdk.modelUrl('unnamed_dim'));
      expect(model.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [-1, 3] }]);
      const out = await sdk.page.evaluate(async () => {
        const neg = window.harness.models.neg!;
        const one = await neg.predict({ x: { dtype: 'float32', dims: [1, 3], data: new Float32Array([1, 2, 3]) } });
        const two = await neg.predict({
          x: { dtype: 'float32', dims: [2, 3], data: new Float32Array([1, -1, 0.5, 4, 5, 6]) },
        });
        return [window.harness.plain(one).y, window.harness.plain(two).y];
      });
      expect(out[0]).toMatchObject({ dims: [1, 3], data: [-1, -2, -3] });
      expect(out[1]).toMatchObject({ dims: [2, 3], data: [-1, 1, -0.5, -4, -5, -6] });
    });

    test('a model loads from an ArrayBuffer and from a Uint8Array, as well as from a URL', async ({ sdk }) => {
      const results = await sdk.page.evaluate(
        async ({ url, backend }) => {
          const bytes = await (await fetch(url)).arrayBuffer();
          const copy = bytes.slice(0);
          const padded = new Uint8Array(bytes.byteLength + 16);
          padded.set(new Uint8Array(bytes), 8);
          const view = padded.subarray(8, 8 + bytes.byteLength);
          const fromBuffer = await window.webinfer.load(bytes, { backend });
          const fromView = await window.webinfer.load(view, { backend });
          const x = () => ({ x: { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
          return {
            bufferDetached: bytes.byteLength === 0,
            viewKept: padded.byteLength === copy.byteLength + 16,
            fromBuffer: Array.from((await fromBuffer.predict(x())).y!.data as Float32Array),
            fromView: Array.from((await fromView.predict(x())).y!.data as Float32Array),
          };
        },
        { url: sdk.modelUrl('fixed'), backend: sdk.setup.backend },
      );
      expect(results).toEqual({
        bufferDetached: true,
        viewKept: true,
        fromBuffer: [2, 4, 6, 8],
        fromView: [2, 4, 6, 8],
      });
    });

    test('an input that covers its whole buffer is transferred; a view into a larger buffer is copied', async ({
      sdk,
    }) => {
      await sdk.load('mlp', sdk.modelUrl('mlp'));
      const seen = await sdk.page.evaluate(
        async (rows) => {
          const model = window.harness.models.mlp!;
          const whole = new Float32Array(rows[0]!);
          const big = new Float32Array(64);
          big.set(rows[1]!, 16);
          const view = big.subarray(16, 24);
          const a = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: whole } });
          const b = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: view } });
          return {
            wholeLength: whole.length,
            bigLength: big.length,
            viewStill: Array.from(view),
            outputsOwnTheirBuffers: [a.probs!, b.probs!].every(
              (t) => t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength,
            ),
            a: Array.from(a.probs!.data as Float32Array),
            b: Array.from(b.probs!.data as Float32Array),
          };
        },
        [featuresFor(10), featuresFor(11)],
      );
      expect(seen.wholeLength).toBe(0);
      expect(seen.bigLength).toBe(64);
      expect(seen.viewStill).toEqual(featuresFor(11));
      expect(seen.outputsOwnTheirBuffers).toBe(true);
      expect(maxAbsDiff(seen.a, mlp(featuresFor(10)).probs)).toBeLessThan(1e-4);
      expect(maxAbsDiff(seen.b, mlp(featuresFor(11)).probs)).toBeLessThan(1e-4);
    });
  });
}

test('an array and a view into the same buffer, in one predictBatch call, each send their own values', async ({
  sdk,
}) => {
  await sdk.load('sum', sdk.modelUrl('two_inputs'));
  const sums = await sdk.page.evaluate(async () => {
    const model = window.harness.models.sum!;
    const shared = new Float32Array([1, 2, 3, 4]);
    const tensor = (data: Float32Array) => ({ dtype: 'float32' as const, dims: [1, data.length], data });
    const outputs = await model.predictBatch([
      { a: tensor(shared), b: tensor(new Float32Array([10, 10, 10, 10])) },
      { a: tensor(shared.subarray(2, 4)), b: tensor(new Float32Array([100, 100])) },
    ]);
    return outputs.map((out) => Array.from(out.sum!.data as Float32Array));
  });
  expect(sums).toEqual([
    [11, 12, 13, 14],
    [103, 104],
  ]);
});
