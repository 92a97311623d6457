import { expect, test } from './fixtures.js';

// 'auto' checks WebGPU before trusting it. This machine's only adapter is software, which 'auto' never
// picks, so the probe's test hook takes it for hardware; a second hook makes WebGPU's answers wrong.

const hardware = { softwareAsHardware: true };

/** Loads the MLP on 'auto' with `options`; the probe's report, the backend, and the progress phases seen. */
function loadMlp(page: import('@playwright/test').Page, options: Record<string, unknown>) {
  return page.evaluate(async (options) => {
    const phases: string[] = [];
    const model = await window.webinfer.load('../models/out/mlp.onnx', {
      backend: 'auto',
      ...options,
      onProgress: (p) => phases.push(p.phase),
    });
    const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(0.5) };
    const out = await model.predict({ features });
    window.harness.models.mlp = model;
    return {
      backend: model.backend,
      reason: model.backendReason,
      probe: model.probe,
      phases,
      probs: Array.from(out.probs!.data as Float32Array),
    };
  }, options);
}

test.describe('with a WebGPU adapter', () => {
  test.beforeEach(({ sdk }) => {
    test.skip(!sdk.setup.webgpuFlag, 'no WebGPU adapter in this setup');
  });

  test('a WebGPU slower than WASM is not chosen, and the reason gives both times', async ({ sdk }) => {
    const loaded = await loadMlp(sdk.page, { probeForTesting: hardware });
    expect(loaded.phases).toContain('probe');
    expect(loaded.probe).toMatchObject({ chose: 'wasm', cached: false, tolerance: 1e-3 });
    expect(loaded.probe!.webgpuMs).toBeGreaterThan(loaded.probe!.wasmMs!);
    expect(loaded.backend).toBe('wasm');
    expect(loaded.reason).toMatch(/^WASM: WebGPU [\d.]+ ms vs WASM [\d.]+ ms per run$/);
  });

  test('a WebGPU whose answers differ from WASM is demoted, naming the output and the difference', async ({ sdk }) => {
    const loaded = await loadMlp(sdk.page, { probeForTesting: { ...hardware, perturbWebgpu: true } });
    expect(loaded.backend).toBe('wasm');
    expect(loaded.probe?.worst?.maxAbs).toBeCloseTo(1, 5);
    expect(loaded.reason).toMatch(
      /^WASM: WebGPU output '(logits|probs)' differs from WASM by 1\.0e\+0 \(tolerance 0\.001\)$/,
    );
    // The model serves on WASM with WASM's answers.
    expect(loaded.probs.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
  });

  test('the verdict is stored: a second load on this device reuses it and runs no probe', async ({ sdk }) => {
    const first = await loadMlp(sdk.page, { probeForTesting: hardware });
    await sdk.page.evaluate(() => window.harness.models.mlp!.dispose());
    const second = await loadMlp(sdk.page, { probeForTesting: hardware });
    expect(first.probe?.cached).toBe(false);
    expect(second.probe).toMatchObject({ chose: first.probe!.chose, reason: first.probe!.reason, cached: true });
    expect(second.phases).not.toContain('probe');
    expect(second.backend).toBe(first.backend);
  });

  test('probe: false trusts the adapter without a check', async ({ sdk }) => {
    const loaded = await loadMlp(sdk.page, { probe: false, probeForTesting: hardware });
    expect(loaded.backend).toBe('webgpu');
    expect(loaded.probe).toBeUndefined();
    expect(loaded.phases).not.toContain('probe');
  });

  test("the app's own probe feeds are the ones run: feeds the model rejects leave it on WASM, saying so", async ({
    sdk,
  }) => {
    const probe = await sdk.page.evaluate(async () => {
      const feeds = { features: { dtype: 'float32' as const, dims: [1, 7], data: new Float32Array(7) } };
      const model = await window.webinfer.load('../models/out/mlp.onnx', {
        backend: 'auto',
        probe: feeds,
        probeForTesting: { softwareAsHardware: true },
      });
      return { report: model.probe, backend: model.backend };
    });
    expect(probe.backend).toBe('wasm');
    expect(probe.report?.reason).toMatch(
      /^WASM: the WebGPU probe could not run the model on the feeds of the load option probe \(/,
    );
  });
});

test('a backend asked for by name is never probed', async ({ sdk }) => {
  const loaded = await loadMlp(sdk.page, { backend: sdk.setup.expectBackend, probeForTesting: hardware });
  expect(loaded.backend).toBe(sdk.setup.expectBackend);
  expect(loaded.probe).toBeUndefined();
  expect(loaded.phases).not.toContain('probe');
});

test('with no WebGPU adapter there is nothing to probe', async ({ sdk }) => {
  test.skip(sdk.setup.webgpuFlag, 'this setup has an adapter');
  const loaded = await loadMlp(sdk.page, { probeForTesting: hardware });
  expect(loaded.backend).toBe('wasm');
  expect(loaded.probe).toBeUndefined();
});

test("Silero VAD's WebGPU answers are the runtime's own, and the probe demotes them", async ({ sdk }) => {
  test.skip(!sdk.setup.webgpuFlag, 'no WebGPU adapter in this setup');
  test.setTimeout(120_000);
  const outcome = await sdk.page.evaluate(async () => {
    const url = new URL('../models/out/silero_vad_v5.onnx', document.baseURI).href;
    const audio = (i: number) =>
      Float32Array.from({ length: 512 }, (_, k) => 0.3 * Math.sin((i * 512 + k) * 0.05) + 0.01 * Math.sin(k * 1.7 + i));
    const feeds = (i: number) => ({
      input: { dtype: 'float32' as const, dims: [1, 512], data: audio(i) },
      state: { dtype: 'float32' as const, dims: [2, 1, 128], data: new Float32Array(256) },
      sr: { dtype: 'int64' as const, dims: [], data: BigInt64Array.from([16000n]) },
    });
    // webinfer on WebGPU, and onnxruntime-web's WebGPU build called by hand, on the same chunks.
    const model = await window.webinfer.load(url, { backend: 'webgpu' });
    const ours: number[] = [];
    for (let i = 0; i < 5; i += 1) ours.push(Number((await model.predict(feeds(i))).output!.data[0]));
    await model.dispose();
    const ort = await import(new URL('../../dist/ort/ort.webgpu.min.mjs', document.baseURI).href);
    ort.env.wasm.wasmPaths = new URL('../../dist/ort/', document.baseURI).href;
    const session = await ort.InferenceSession.create(url, { executionProviders: ['webgpu'] });
    const raw: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const f = feeds(i);
      const out = await session.run({
        input: new ort.Tensor('float32', f.input.data, f.input.dims),
        state: new ort.Tensor('float32', f.state.data, f.state.dims),
        sr: new ort.Tensor('int64', f.sr.data, f.sr.dims),
      });
      raw.push(out.output.data[0]);
    }
    await session.release();
    // The probe, on a real chunk, with the software adapter taken for hardware.
    const probed = await window.webinfer.load(url, {
      backend: 'auto',
      probe: feeds(0),
      probeForTesting: { softwareAsHardware: true },
    });
    return { ours, raw, probe: probed.probe, backend: probed.backend };
  });
  expect(outcome.ours).toEqual(outcome.raw); // bit for bit: what WebGPU answers is onnxruntime-web's doing
  expect(outcome.backend).toBe('wasm');
  expect(outcome.probe?.reason).toMatch(/^WASM: WebGPU output '(output|stateN)' differs from WASM by /);
  test.info().annotations.push({ type: 'probe', description: outcome.probe!.reason });
});
