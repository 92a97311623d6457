// P10: a recurrent model over a long stream. Silero VAD v5 over 60 s of 16 kHz audio (1,875 chunks of
// 512 samples), two sides interleaved round by round:
//   stream      model.stream({ state: { stateN: 'state' } }).results(chunks, { maxInFlight }): the state
//               stays in the worker, and up to maxInFlight chunks are out at once
//   sequential  model.predict per chunk, the page carrying the state (stateN returned, fed back as state)
// Beside them, the floor: onnxruntime-web alone in a worker (hand-written postMessage), its in-worker
// run time per chunk: no stream of one state can beat it, since each chunk needs the state before.
// And the memory bound: a producer 10x faster than the model feeds the stream; the peak of chunks
// pulled and not yet answered must stay at maxInFlight.
import { RawOrt } from '../lib/raw-ort.js';
import { median, round, summarize } from '../lib/stats.js';
import { ortFolder, ortModuleUrl, webinferUrl } from './models.js';

const vadUrl = new URL('../../test/models/out/silero_vad_v5.onnx', import.meta.url).href;
const CHUNK = 512;
const RATE = 16_000;

/** Audio as a VAD hears it: bursts of harmonics and noise between near silence, from a fixed seed. */
function audio(seconds) {
  const samples = new Float32Array(seconds * RATE);
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < samples.length; i++) {
    const t = i / RATE;
    const phase = t % 1.5;
    let value = (random() - 0.5) * 0.002;
    if (phase >= 0.3 && phase < 0.9) {
      for (let h = 1; h <= 8; h++)
        value += (0.3 * Math.sin(Math.PI * ((phase - 0.3) / 0.6)) ** 2 * Math.sin(2 * Math.PI * 150 * h * t)) / h;
    } else if (phase >= 0.9 && phase < 1.2) value += (random() - 0.5) * 0.4;
    samples[i] = value;
  }
  return samples;
}

/** One chunk's feeds (fresh arrays: predict transfers them). */
const feedsOf = (samples, index) => ({
  input: { dtype: 'float32', dims: [1, CHUNK], data: samples.slice(index * CHUNK, (index + 1) * CHUNK) },
  sr: { dtype: 'int64', dims: [], data: BigInt64Array.from([16000n]) },
});

async function viaStream(model, samples, chunks, maxInFlight) {
  const stream = model.stream({ state: { stateN: 'state' } });
  function* source() {
    for (let i = 0; i < chunks; i++) yield feedsOf(samples, i);
  }
  const probabilities = [];
  const start = performance.now();
  for await (const out of stream.results(source(), { maxInFlight })) probabilities.push(out.output.data[0]);
  const ms = performance.now() - start;
  await stream.close();
  return { ms, probabilities };
}

async function sequential(model, samples, chunks) {
  let state = { dtype: 'float32', dims: [2, 1, 128], data: new Float32Array(256) };
  const probabilities = [];
  const start = performance.now();
  for (let i = 0; i < chunks; i++) {
    const out = await model.predict({ ...feedsOf(samples, i), state });
    probabilities.push(out.output.data[0]);
    state = out.stateN;
  }
  return { ms: performance.now() - start, probabilities };
}

/** Raw onnxruntime-web in a worker, the page carrying the state: the engine's own time per chunk. */
async function rawRunMs(samples, chunks, numThreads) {
  const raw = await new RawOrt().init({ ortUrl: ortModuleUrl, wasmPaths: ortFolder, numThreads, model: vadUrl });
  let state = { type: 'float32', dims: [2, 1, 128], data: new Float32Array(256) };
  const runMs = [];
  for (let i = 0; i < chunks; i++) {
    const { input, sr } = feedsOf(samples, i);
    const out = await raw.run({ input: { ...input, type: 'float32' }, sr: { ...sr, type: 'int64' }, state });
    runMs.push(out.runMs);
    state = out.outputs.stateN;
  }
  await raw.dispose();
  return median(runMs);
}

/** A producer that has a chunk ready every `everyMs`, pulled by the stream: its peak lead over the answers. */
async function fastProducer(model, samples, chunks, maxInFlight, everyMs) {
  const stream = model.stream({ state: { stateN: 'state' } });
  let pulled = 0;
  let answered = 0;
  let peak = 0;
  async function* producer() {
    for (let i = 0; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      pulled += 1;
      peak = Math.max(peak, pulled - answered);
      yield feedsOf(samples, i);
    }
  }
  for await (const _ of stream.results(producer(), { maxInFlight })) answered += 1;
  await stream.close();
  return { peakPulledUnanswered: peak, chunks, everyMs };
}

/** P10: VAD over `seconds` of audio, stream vs sequential predicts, interleaved; then the memory bound. */
export async function p10({ seconds = 60, rounds = 3, maxInFlight = 4, numThreads = 1 } = {}) {
  const webinfer = await import(webinferUrl);
  const model = await webinfer.load(vadUrl, { backend: 'wasm', numThreads, workers: 1 });
  const samples = audio(seconds);
  const chunks = Math.floor(samples.length / CHUNK);
  await viaStream(model, samples, 50, maxInFlight); // warm-up
  await sequential(model, samples, 50);
  const ms = { stream: [], sequential: [] };
  let maxDiff = 0;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['stream', 'sequential'] : ['sequential', 'stream'];
    const runs = {};
    for (const side of order) {
      runs[side] =
        side === 'stream'
          ? await viaStream(model, samples, chunks, maxInFlight)
          : await sequential(model, samples, chunks);
      ms[side].push(runs[side].ms);
    }
    runs.stream.probabilities.forEach((p, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(p - runs.sequential.probabilities[i]));
    });
  }
  const perChunkMs = median(ms.stream) / chunks;
  const engineMs = await rawRunMs(samples, Math.min(chunks, 500), numThreads);
  // The producer gets 10x the model's pace; a fifth of the clip is enough to show the bound.
  const memory = await fastProducer(model, samples, Math.floor(chunks / 5), maxInFlight, perChunkMs / 10);
  await model.dispose();
  return {
    model: 'Silero VAD v5',
    conditions: { backend: 'wasm', isolated: self.crossOriginIsolated, numThreads, seconds, chunks, maxInFlight },
    rounds,
    streamMs: summarize(ms.stream),
    sequentialMs: summarize(ms.sequential),
    maxDiff,
    perChunkMs: round(perChunkMs),
    engineMsPerChunk: round(engineMs),
    memory,
  };
}
