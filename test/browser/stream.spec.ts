import { chunksOf, vadClip } from '../models/vad-clip.mjs';
import { expect, test } from './fixtures.js';
import { featuresFor, maxAbsDiff, mlp } from './reference.js';
import { vadReference } from './vad-reference.js';

// Streams: calls answered in order, a recurrent model's state kept in the worker between them (Silero
// VAD v5: output stateN feeds input state), bounded by maxInFlight. SwiftShader is ~100x slower than
// WASM: clips are short.

const vadUrl = '../models/out/silero_vad_v5.onnx';

/** Page-side helpers, installed once per test: the VAD's feeds for a chunk, and a clip run through a stream. */
async function installVad(page: import('@playwright/test').Page, backend: string): Promise<void> {
  await page.evaluate(
    async ({ vadUrl, backend }) => {
      const model = await window.webinfer.load(vadUrl, { backend });
      window.harness.models.vad = model;
      const feeds = (chunk: number[]) => ({
        input: { dtype: 'float32' as const, dims: [1, chunk.length], data: Float32Array.from(chunk) },
        sr: { dtype: 'int64' as const, dims: [], data: BigInt64Array.from([16000n]) },
      });
      Object.assign(window, { vadFeeds: feeds });
    },
    { vadUrl, backend },
  );
}

test('a VAD stream over a 3 s clip gives the probabilities of the same run in Node, chunk by chunk', async ({
  sdk,
}) => {
  const chunks = chunksOf(vadClip(3));
  await installVad(sdk.page, sdk.setup.backend);
  const probabilities = await sdk.page.evaluate(async (chunks) => {
    const { vadFeeds } = window as unknown as { vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors };
    const stream = window.harness.models.vad!.stream({ state: { stateN: 'state' } });
    const out: number[] = [];
    for await (const { output } of stream.results(chunks.map(vadFeeds), { maxInFlight: 4 })) {
      out.push((output!.data as Float32Array)[0]!);
    }
    await stream.close();
    return out;
  }, chunks);
  const reference = await vadReference(chunks);
  const diff = maxAbsDiff(probabilities, reference);
  if (sdk.setup.expectBackend === 'webgpu') {
    // Issue 14: Silero on WebGPU (SwiftShader) differs from WASM and Node by far more than 1e-4.
    test.info().annotations.push({ type: 'webgpu-vad-max-diff', description: diff.toPrecision(3) });
    expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
  } else {
    test.info().annotations.push({ type: 'wasm-vad-max-diff', description: diff.toPrecision(3) });
    expect(diff).toBeLessThan(1e-4);
  }
  expect(probabilities).toHaveLength(93);
});

test('two interleaved streams give each the results it gets alone', async ({ sdk }) => {
  const a = chunksOf(vadClip(1, 1));
  const b = chunksOf(vadClip(1, 2)).reverse();
  await installVad(sdk.page, sdk.setup.backend);
  const outcome = await sdk.page.evaluate(
    async ({ a, b }) => {
      const { vadFeeds } = window as unknown as {
        vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors;
      };
      const model = window.harness.models.vad!;
      const probability = (out: import('../../src/index.js').Tensors) => (out.output!.data as Float32Array)[0]!;
      const alone = async (chunks: number[][]) => {
        const stream = model.stream({ state: { stateN: 'state' } });
        const out: number[] = [];
        for (const chunk of chunks) out.push(probability(await stream.predict(vadFeeds(chunk))));
        return out;
      };
      const first = model.stream({ state: { stateN: 'state' } });
      const second = model.stream({ state: { stateN: 'state' } });
      // All sent at once, alternating: the worker runs each stream's calls in order and keeps their states apart.
      const together = await Promise.all(
        a.flatMap((chunk, i) => [first.predict(vadFeeds(chunk)), second.predict(vadFeeds(b[i]!))]),
      );
      return {
        together: [together.filter((_, i) => i % 2 === 0), together.filter((_, i) => i % 2 === 1)].map((outs) =>
          outs.map(probability),
        ),
        alone: [await alone(a), await alone(b)],
      };
    },
    { a, b },
  );
  expect(maxAbsDiff(outcome.together[0]!, outcome.alone[0]!)).toBeLessThan(1e-5);
  expect(maxAbsDiff(outcome.together[1]!, outcome.alone[1]!)).toBeLessThan(1e-5);
  // The two clips differ: a mix-up of states would show.
  expect(maxAbsDiff(outcome.alone[0]!, outcome.alone[1]!)).toBeGreaterThan(0.01);
});

test('results pulls no more than maxInFlight elements ahead of its answers from a source that has 200 at once, and answers in order', async ({
  sdk,
}) => {
  const rows = Array.from({ length: 200 }, (_, i) => featuresFor(i));
  const outcome = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend });
      const stream = model.stream();
      let pulled = 0;
      let answered = 0;
      let mostAhead = 0;
      function* source() {
        for (const row of rows) {
          pulled += 1;
          mostAhead = Math.max(mostAhead, pulled - answered);
          yield { features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } };
        }
      }
      const probs: number[][] = [];
      for await (const out of stream.results(source(), { maxInFlight: 4 })) {
        answered += 1;
        probs.push(Array.from(out.probs!.data as Float32Array));
      }
      return { probs, mostAhead };
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(outcome.mostAhead).toBe(4);
  expect(outcome.probs).toHaveLength(200);
  const worst = Math.max(...outcome.probs.map((probs, i) => maxAbsDiff(probs, mlp(rows[i]!).probs)));
  expect(worst).toBeLessThan(1e-4);
});

test('transform: feeds piped through come out as outputs, in order', async ({ sdk }) => {
  const rows = Array.from({ length: 20 }, (_, i) => featuresFor(500 + i));
  const probs = await sdk.page.evaluate(
    async ({ rows, backend }) => {
      const model = await window.webinfer.load('../models/out/mlp.onnx', { backend });
      const feeds = new ReadableStream({
        start(controller) {
          for (const row of rows) {
            controller.enqueue({ features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(row) } });
          }
          controller.close();
        },
      });
      const out: number[][] = [];
      const reader = feeds.pipeThrough(model.stream().transform({ maxInFlight: 3 })).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        out.push(Array.from(read.value.probs!.data as Float32Array));
      }
      return out;
    },
    { rows, backend: sdk.setup.backend },
  );
  expect(probs).toHaveLength(20);
  probs.forEach((p, i) => expect(maxAbsDiff(p, mlp(rows[i]!).probs)).toBeLessThan(1e-4));
});

test('aborting a stream mid-way rejects with AbortError; the model and new streams keep serving', async ({ sdk }) => {
  const chunks = chunksOf(vadClip(1));
  await installVad(sdk.page, sdk.setup.backend);
  const outcome = await sdk.page.evaluate(async (chunks) => {
    const { vadFeeds } = window as unknown as { vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors };
    const model = window.harness.models.vad!;
    const controller = new AbortController();
    const stream = model.stream({ state: { stateN: 'state' } });
    let received = 0;
    let error: unknown;
    try {
      for await (const _ of stream.results(chunks.map(vadFeeds), { maxInFlight: 4, signal: controller.signal })) {
        received += 1;
        if (received === 5) controller.abort(new Error('the user stopped recording'));
      }
    } catch (caught) {
      error = caught;
    }
    const fresh = model.stream({ state: { stateN: 'state' } });
    const again = await fresh.predict(vadFeeds(chunks[0]!));
    const state = { dtype: 'float32' as const, dims: [2, 1, 128], data: new Float32Array(256) };
    const direct = await model.predict({ ...vadFeeds(chunks[0]!), state });
    return {
      received,
      error: window.harness.error(error),
      again: Object.keys(again),
      probabilities: [again, direct].map((out) => (out.output!.data as Float32Array)[0]!),
    };
  }, chunks);
  expect(outcome.received).toBe(5);
  expect(outcome.error).toMatchObject({ name: 'AbortError', message: expect.stringContaining('the user stopped') });
  expect(outcome.again).toEqual(['output']);
  expect(Math.abs(outcome.probabilities[0]! - outcome.probabilities[1]!)).toBeLessThan(1e-5);
});

test('an element with wrong dims rejects naming its index and input; those before it are answered', async ({ sdk }) => {
  const chunks = chunksOf(vadClip(1)).slice(0, 24);
  await installVad(sdk.page, sdk.setup.backend);
  const outcome = await sdk.page.evaluate(async (chunks) => {
    const { vadFeeds } = window as unknown as { vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors };
    const stream = window.harness.models.vad!.stream({ state: { stateN: 'state' } });
    const elements = chunks.map(vadFeeds);
    elements[17] = { ...elements[17], input: { dtype: 'float32', dims: [512], data: new Float32Array(512) } };
    let received = 0;
    try {
      for await (const _ of stream.results(elements)) received += 1;
    } catch (error) {
      return { received, error: window.harness.error(error) };
    }
    return { received, error: undefined };
  }, chunks);
  expect(outcome.received).toBe(17);
  expect(outcome.error).toMatchObject({ name: 'InputError', input: 'input' });
  expect(outcome.error?.message).toMatch(/^stream element 17: input 'input' expects dims \[\?, \?\], got \[512\]/);
});

test('a closed stream, or one of a disposed model, rejects later calls with DisposedError', async ({ sdk }) => {
  await installVad(sdk.page, sdk.setup.backend);
  const errors = await sdk.page.evaluate(async () => {
    const { vadFeeds } = window as unknown as { vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors };
    const model = window.harness.models.vad!;
    const chunk = new Array<number>(512).fill(0);
    const closed = model.stream({ state: { stateN: 'state' } });
    await closed.predict(vadFeeds(chunk));
    await closed.close();
    const afterClose = await closed.predict(vadFeeds(chunk)).then(() => null, window.harness.error);
    const open = model.stream({ state: { stateN: 'state' } });
    await model.dispose();
    const afterDispose = await open.predict(vadFeeds(chunk)).then(() => null, window.harness.error);
    return { afterClose, afterDispose };
  });
  expect(errors.afterClose).toMatchObject({ name: 'DisposedError', message: expect.stringContaining('closed') });
  expect(errors.afterDispose).toMatchObject({ name: 'DisposedError', message: expect.stringContaining('disposed') });
});

test('a stream whose worker dies says its state was lost; the model keeps serving, and so does a new stream', async ({
  sdk,
}) => {
  await installVad(sdk.page, sdk.setup.backend);
  const outcome = await sdk.page.evaluate(async () => {
    const { vadFeeds } = window as unknown as { vadFeeds: (chunk: number[]) => import('../../src/index.js').Tensors };
    const model = window.harness.models.vad!;
    const chunk = new Array<number>(512).fill(0);
    const stream = model.stream({ state: { stateN: 'state' } });
    await stream.predict(vadFeeds(chunk));
    model.crashWorkerForTesting();
    const lost = await stream.predict(vadFeeds(chunk)).then(() => null, window.harness.error);
    const later = await stream.predict(vadFeeds(chunk)).then(() => null, window.harness.error);
    const state = { dtype: 'float32' as const, dims: [2, 1, 128], data: new Float32Array(256) };
    const direct = await model.predict({ ...vadFeeds(chunk), state });
    const fresh = await model.stream({ state: { stateN: 'state' } }).predict(vadFeeds(chunk));
    return { lost, later, served: [Object.keys(direct).sort(), Object.keys(fresh)] };
  });
  expect(outcome.lost).toMatchObject({
    name: 'WorkerCrashedError',
    message: expect.stringContaining('state was lost'),
  });
  expect(outcome.lost?.message).toMatch(/^stream element 1: /);
  expect(outcome.later).toMatchObject({
    name: 'WorkerCrashedError',
    message: expect.stringContaining('state was lost'),
  });
  expect(outcome.served).toEqual([['output', 'stateN'], ['output']]);
});
