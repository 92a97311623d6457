// The bench page's metrics P1-P4, called by bench/run.mjs through window.bench. Every side runs on
// WASM with the same numThreads; webinfer and its comparisons are interleaved in this one page.
//   webinfer  load() + model.predict() (its own worker, Comlink, batcher)
//   raw       onnxruntime-web session.run in the bench's own worker, hand-written postMessage
//   proxy     onnxruntime-web with env.wasm.proxy = true, from the page
//   main      onnxruntime-web on the page's main thread
import { RawOrt } from '../lib/raw-ort.js';
import { interleavedLatency, interleavedThroughput, perSecond } from '../lib/measure.js';
import { median, quantile, round, summarize } from '../lib/stats.js';
import { elementCount, models, ortFolder, ortModuleUrl, sampleInput, webinferUrl } from './models.js';

export { liveness } from './tfjs-latency.js';
export { p6 } from './memory.js';
export { hotPath } from './hot-path.js';
export { p9 } from './pipeline.js';
export { p10 } from './vad-stream.js';

/** @type {{ numThreads: number, webinfer: any, ortMain: any, ortProxy: any }} */
const env = { numThreads: 1, webinfer: undefined, ortMain: undefined, ortProxy: undefined };
/** @type {Map<string, Promise<any>>} */
const sessions = new Map();

/** Imports webinfer and two instances of onnxruntime-web: one for the main thread, one proxied. */
export async function setup({ numThreads = 1 } = {}) {
  env.numThreads = numThreads;
  env.webinfer = await import(webinferUrl);
  // A second module instance (distinct URL) has its own env, so proxy and main can live side by side.
  env.ortMain = await import(ortModuleUrl);
  env.ortProxy = await import(`${ortModuleUrl}?proxy`);
  for (const [ort, proxy] of [
    [env.ortMain, false],
    [env.ortProxy, true],
  ]) {
    ort.env.wasm.wasmPaths = ortFolder;
    ort.env.wasm.numThreads = numThreads;
    ort.env.wasm.proxy = proxy;
    ort.env.logLevel = 'error';
  }
  return {
    numThreads,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  };
}

/** The session of one side for one model, created once. @param {string} side @param {string} key */
function session(side, key, name = side) {
  const id = `${name}:${key}`;
  let made = sessions.get(id);
  if (made === undefined) {
    made = createSession(side, key, name);
    sessions.set(id, made);
  }
  return made;
}

/** @param {string} side @param {string} key @param {string} name `webinfer-max<n>` loads with batch maxSize n */
async function createSession(side, key, name) {
  const model = /** @type {import('./models.js').BenchModel} */ (models[key]);
  const { numThreads } = env;
  const maxSize = Number(/-max(\d+)$/.exec(name)?.[1] ?? 64);
  // Each webinfer side gets a model of its own: identical loads would share one (one queue, one batch
  // tuner, one set of stats), and the sequential side's single-row runs would count as the concurrent one's.
  const url = name === side ? model.url : `${model.url}?side=${name}`;
  if (side === 'webinfer') return env.webinfer.load(url, { backend: 'wasm', numThreads, batch: { maxSize } });
  if (side === 'raw')
    return new RawOrt().init({ ortUrl: ortModuleUrl, wasmPaths: ortFolder, numThreads, model: model.url });
  const ort = side === 'proxy' ? env.ortProxy : env.ortMain;
  return ort.InferenceSession.create(model.url, { executionProviders: ['wasm'] });
}

/**
 * A runner (see lib/measure.js) doing one single-sample inference on `side`, with a fresh copy of
 * the same input each call (inputs are transferred, so each call needs its own buffer).
 * @param {string} side @param {string} key @param {string} [name]
 */
async function runner(side, key, name = side) {
  const model = /** @type {import('./models.js').BenchModel} */ (models[key]);
  const base = sampleInput(elementCount(model.dims));
  const dims = model.dims;
  const s = await session(side, key, name);
  if (side === 'webinfer') {
    const input = s.inputs[0].name;
    return {
      name,
      prepare: () => ({ [input]: { dtype: 'float32', dims, data: base.slice() } }),
      call: (feeds) => s.predict(feeds),
    };
  }
  if (side === 'raw') {
    const input = s.inputs[0];
    return {
      name,
      prepare: () => ({ [input]: { type: 'float32', dims, data: base.slice() } }),
      call: async (feeds) => ({ inner: (await s.run(feeds)).runMs }),
    };
  }
  const ort = side === 'proxy' ? env.ortProxy : env.ortMain;
  const input = s.inputNames[0];
  return {
    name,
    prepare: () => ({ [input]: new ort.Tensor('float32', base.slice(), dims) }),
    call: (feeds) => s.run(feeds),
  };
}

const conditions = (extra = {}) => ({
  backend: 'wasm',
  isolated: self.crossOriginIsolated,
  numThreads: env.numThreads,
  ...extra,
});

/** P1: per-call latency of sequential single-sample calls, every side interleaved. */
export async function p1({ model = 'mlp', reps = 300, warmup = 30 } = {}) {
  const sides = ['webinfer', 'raw', 'proxy', 'main'];
  const runners = await Promise.all(sides.map((side) => runner(side, model)));
  const samples = await interleavedLatency(runners, { reps, warmup });
  const webinfer = await session('webinfer', model);
  return {
    model: models[model]?.name,
    dims: models[model]?.dims,
    conditions: conditions({
      batch: 'default (maxSize 64, maxDelayMs 0); calls are sequential, so every run has 1 request',
    }),
    reps,
    ms: Object.fromEntries(Object.entries(samples).map(([side, s]) => [side, summarize(s.ms)])),
    rawInWorkerMs: summarize(samples.raw?.inner ?? []),
    stats: await webinfer.stats(),
  };
}

/**
 * P2: throughput of `total` concurrent single-sample webinfer calls vs `total` sequential calls on
 * raw and proxy. Diagnostic sides: webinfer sequential, and raw with every call in flight at once
 * (pipelined: the raw worker queues them, so no round trip is waited for, but nothing is batched),
 * and webinfer concurrent with batch maxSize capped at each of `maxSizes` (which batch sizes pay off).
 */
export async function p2({ model = 'mlp', total = 256, rounds = 7, maxSizes = [1, 4, 16] } = {}) {
  const [webinfer, raw, proxy, webinferSeq, rawPipelined, ...capped] = await Promise.all([
    runner('webinfer', model),
    runner('raw', model),
    runner('proxy', model),
    runner('webinfer', model, 'webinfer-sequential'),
    runner('raw', model, 'raw-pipelined'),
    ...maxSizes.map((n) => runner('webinfer', model, `webinfer-max${n}`)),
  ]);
  const sides = [
    { runner: webinfer, concurrency: total },
    { runner: raw, concurrency: 1 },
    { runner: proxy, concurrency: 1 },
    { runner: webinferSeq, concurrency: 1 },
    { runner: rawPipelined, concurrency: total },
    ...capped.map((r) => ({ runner: r, concurrency: total })),
  ];
  const counted = await session('webinfer', model);
  await interleavedThroughput(sides, { total, rounds: 0, warmup: 1 });
  const before = await counted.stats();
  const ms = await interleavedThroughput(sides, { total, rounds, warmup: 0 });
  const after = await counted.stats();
  // 256: the ceiling, all of a burst's rows in one hand-batched run inside the worker.
  const perSampleMs = await perSampleByBatch(model, [1, 4, 16, 64, total]);
  return {
    model: models[model]?.name,
    conditions: conditions({ batch: 'default (maxSize 64, maxDelayMs 0)', total }),
    perSampleMs,
    rounds,
    ms: Object.fromEntries(Object.entries(ms).map(([side, values]) => [side, summarize(values)])),
    perSecond: Object.fromEntries(
      Object.entries(ms).map(([side, values]) => [side, round(perSecond(total, summarize(values).median))]),
    ),
    // The concurrent side's model only (the sequential side has a model of its own).
    coalescing: {
      runs: after.runs - before.runs,
      requests: after.requests - before.requests,
      largestRun: after.largestRun,
    },
  };
}

/**
 * The engine alone (session.run timed inside the raw worker, no messaging): ms per sample when N
 * samples run as one batch. Where bigger N costs more per sample, coalescing cannot pay.
 * @param {string} key @param {number[]} sizes
 */
async function perSampleByBatch(key, sizes, reps = 5) {
  const model = /** @type {import('./models.js').BenchModel} */ (models[key]);
  const raw = await session('raw', key);
  const row = elementCount(model.dims);
  const bases = sizes.map((n) => sampleInput(row * n));
  /** @type {number[][]} */
  const times = sizes.map(() => []);
  for (let i = 0; i < reps + 1; i++) {
    for (const [j, n] of sizes.entries()) {
      const data = /** @type {Float32Array} */ (bases[j]).slice();
      const { runMs } = await raw.run({
        [raw.inputs[0]]: { type: 'float32', dims: [n, ...model.dims.slice(1)], data },
      });
      if (i > 0) times[j]?.push(runMs / n); // the first pass warms each shape
    }
  }
  // Unrounded: a tiny model's rows take well under the 0.1 µs that round() keeps.
  return Object.fromEntries(sizes.map((n, j) => [n, median(times[j] ?? [])]));
}

/** A worker that only acknowledges what it receives: the floor for handing a buffer to a worker. */
function sinkWorker() {
  const source = 'onmessage = (event) => postMessage(event.data.data.length);';
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return worker;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * P3: main-thread time of predict's synchronous part (validation + postMessage with transfer) for a
 * 64 MiB float32 input, vs a bare postMessage transferring the same bytes to a worker (the floor) and
 * vs structuredClone of them (what a copy costs); and whether the caller's input was detached.
 */
export async function p3({ reps = 7, rows = 2_097_152 } = {}) {
  const model = await session('webinfer', 'mlp');
  const input = model.inputs[0].name;
  const sink = sinkWorker();
  const base = new Float32Array(rows * 8).fill(0.5);
  /** @type {Record<'handOff' | 'postMessage' | 'structuredClone', number[]>} */
  const times = { handOff: [], postMessage: [], structuredClone: [] };
  const detached = [];
  let outputDims;
  const sides = {
    handOff: async () => {
      const data = base.slice();
      await settle();
      const t0 = performance.now();
      const pending = model.predict({ [input]: { dtype: 'float32', dims: [rows, 8], data } });
      times.handOff.push(performance.now() - t0);
      detached.push(data.buffer.byteLength === 0 && data.length === 0);
      outputDims = Object.values(await pending)[0]?.dims;
    },
    postMessage: async () => {
      const data = base.slice();
      await settle();
      const received = new Promise((resolve) => (sink.onmessage = resolve));
      const t0 = performance.now();
      sink.postMessage({ data }, [data.buffer]);
      times.postMessage.push(performance.now() - t0);
      await received;
    },
    structuredClone: async () => {
      const data = base.slice();
      await settle();
      const t0 = performance.now();
      const copied = structuredClone(data);
      times.structuredClone.push(performance.now() - t0);
      if (copied.length !== data.length) throw new Error('structuredClone lost data');
    },
  };
  const order = /** @type {(keyof typeof sides)[]} */ (Object.keys(sides));
  for (let i = 0; i < reps; i++) for (const side of i % 2 === 0 ? order : [...order].reverse()) await sides[side]();
  sink.terminate();
  return {
    model: models.mlp.name,
    conditions: conditions({ dims: [rows, 8], bytes: rows * 8 * 4 }),
    reps,
    handOffMs: summarize(times.handOff),
    postMessageMs: summarize(times.postMessage),
    structuredCloneMs: summarize(times.structuredClone),
    allDetached: detached.every(Boolean),
    outputDims,
  };
}

/** Waits a macrotask: lets rendering and observers run between calls, on every side alike. */
const yieldTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * P4: long tasks (> 50 ms) and rAF frame gaps on the main thread while back-to-back predicts of the
 * OCR recognizer run, webinfer and main alternating in segments of `segment` seconds until each has
 * had `seconds`. Each loop yields a macrotask between calls, as a real page would.
 */
export async function p4({ model = 'rec', seconds = 10, segment = 2.5, sides = ['webinfer', 'main'] } = {}) {
  const runners = await Promise.all(sides.map((side) => runner(side, model)));
  for (const r of runners) await r.call(r.prepare()); // warm
  /** @type {{ start: number, duration: number }[]} */
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ type: 'longtask' });
  /** @type {number[]} */
  const frames = [];
  let rafOn = true;
  const onFrame = (/** @type {number} */ t) => {
    frames.push(t);
    if (rafOn) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  /** @type {Record<string, { windows: [number, number][], calls: number, callMs: number[] }>} */
  const bySide = Object.fromEntries(sides.map((side) => [side, { windows: [], calls: 0, callMs: [] }]));
  const segments = Math.ceil(seconds / segment);
  for (let s = 0; s < segments; s++) {
    for (const r of s % 2 === 0 ? runners : [...runners].reverse()) {
      const record = /** @type {(typeof bySide)[string]} */ (bySide[r.name]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the previous side's frames settle
      const start = performance.now();
      while (performance.now() - start < segment * 1000) {
        const feeds = r.prepare();
        const t0 = performance.now();
        await r.call(feeds);
        record.callMs.push(performance.now() - t0);
        record.calls += 1;
        await yieldTask();
      }
      record.windows.push([start, performance.now()]);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  rafOn = false;
  for (const entry of observer.takeRecords()) longTasks.push({ start: entry.startTime, duration: entry.duration });
  observer.disconnect();
  const inside = (/** @type {[number, number][]} */ windows, /** @type {number} */ t) =>
    windows.some(([a, b]) => t >= a && t <= b);
  const result = Object.fromEntries(
    Object.entries(bySide).map(([side, record]) => {
      const tasks = longTasks.filter((task) => inside(record.windows, task.start));
      const gaps = [];
      for (let i = 1; i < frames.length; i++) {
        const t = /** @type {number} */ (frames[i]);
        const previous = /** @type {number} */ (frames[i - 1]);
        if (inside(record.windows, previous) && inside(record.windows, t)) gaps.push(t - previous);
      }
      return [
        side,
        {
          seconds: round(record.windows.reduce((sum, [a, b]) => sum + b - a, 0) / 1000),
          calls: record.calls,
          callMs: summarize(record.callMs),
          longTasks: tasks.length,
          longTaskMs: round(tasks.reduce((sum, task) => sum + task.duration, 0)),
          longestTaskMs: round(Math.max(0, ...tasks.map((task) => task.duration))),
          frames: gaps.length,
          frameGapMs: summarize(gaps),
          maxFrameGapMs: round(Math.max(0, ...gaps)),
          gapsOver50ms: gaps.filter((gap) => gap > 50).length,
        },
      ];
    }),
  );
  return {
    model: models[model]?.name,
    dims: models[model]?.dims,
    conditions: conditions({ batch: 'default; one call in flight' }),
    sides: result,
  };
}

/**
 * P8: tail latency within a burst. 256 concurrent single-sample calls; each call's latency runs from
 * the burst's start to its own answer. Per round: p50 and p99 of the 256; reported: the rounds' medians.
 */
export async function p8({ model = 'mlp', total = 256, rounds = 7 } = {}) {
  const r = await runner('webinfer', model);
  const p50 = [];
  const p99 = [];
  for (let round = 0; round <= rounds; round++) {
    const feeds = Array.from({ length: total }, () => r.prepare());
    const start = performance.now();
    const latencies = await Promise.all(feeds.map((f) => r.call(f).then(() => performance.now() - start)));
    if (round === 0) continue; // warm-up
    p50.push(quantile(latencies, 0.5));
    p99.push(quantile(latencies, 0.99));
  }
  return {
    model: models[model]?.name,
    conditions: conditions({ batch: 'default (maxSize 64, maxDelayMs 0)', total }),
    rounds,
    p50Ms: summarize(p50),
    p99Ms: summarize(p99),
  };
}

/**
 * One webinfer model per configuration, each from its own instance of the SDK module (a distinct
 * import URL): its own pool, so that configurations never share a worker or a thread count.
 * @param {string} key @param {{ name: string, workers: number | 'auto', numThreads?: number }} config
 */
async function configured(key, config) {
  const model = /** @type {import('./models.js').BenchModel} */ (models[key]);
  const sdk = await import(`${webinferUrl}?config=${config.name}`);
  sdk.configure({ maxWorkers: 8 });
  const options = { backend: 'wasm', workers: config.workers };
  const loaded = await sdk.load(
    model.url,
    config.numThreads === undefined ? options : { ...options, numThreads: config.numThreads },
  );
  const base = sampleInput(elementCount(model.dims));
  const input = loaded.inputs[0].name;
  /** @type {import('../lib/measure.js').Runner} */
  const runner = {
    name: config.name,
    prepare: () => ({ [input]: { dtype: 'float32', dims: model.dims, data: base.slice() } }),
    call: (feeds) => loaded.predict(feeds),
  };
  return { model: loaded, runner };
}

/**
 * P7: throughput of `total` concurrent single-sample predicts on 1 or more workers (and, on an
 * isolated page, threads), every configuration interleaved round by round; and what `workers: 'auto'`
 * chooses here.
 * @param {{ model?: string, total?: number, rounds?: number, configs: { name: string, workers: number, numThreads?: number }[] }} options
 */
export async function p7({ model = 'cls', total = 256, rounds = 7, configs }) {
  const sides = await Promise.all(configs.map((config) => configured(model, config)));
  const ms = await interleavedThroughput(
    sides.map(({ runner }) => ({ runner, concurrency: total })),
    { total, rounds, warmup: 1 },
  );
  // Threads cut the latency of one call; replicas do not: the other side of the trade.
  const latency = await interleavedLatency(
    sides.map(({ runner }) => runner),
    { reps: rounds * 5, warmup: 5 },
  );
  // 'auto' may decide on the first call (a model whose shapes cannot be made up): make one, and wait.
  const auto = await configured(model, { name: 'auto', workers: 'auto' });
  await auto.runner.call(auto.runner.prepare());
  for (let waited = 0; auto.model.workersReason.includes('until the first call') && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    model: models[model]?.name,
    conditions: { backend: 'wasm', isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, total },
    rounds,
    configs: Object.fromEntries(
      sides.map(({ model: loaded }, i) => {
        const config = /** @type {(typeof configs)[number]} */ (configs[i]);
        const times = summarize(ms[config.name] ?? []);
        const alone = summarize(latency[config.name]?.ms ?? []);
        return [
          config.name,
          {
            ...config,
            placed: loaded.workers,
            ms: times,
            perSecond: round(perSecond(total, times.median)),
            aloneMs: alone,
          },
        ];
      }),
    ),
    auto: { workers: auto.model.workers, reason: auto.model.workersReason },
  };
}
