// One line per metric, ratio first, absolute times beside it, and whether the issue's target holds.

const f = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const ms = (x) => `${x < 1 ? f(x, 3) : x < 100 ? f(x, 2) : f(x, 0)} ms`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const round4 = (x) => Math.round(x * 1e4) / 1e4;
const where = (c) =>
  `[${c.backend}, ${c.isolated ? 'cross-origin isolated' : 'not isolated'}, ${c.numThreads} thread${c.numThreads === 1 ? '' : 's'}${c.total ? `, ${c.total} calls, batch maxSize 64` : ''}]`;

/** Adds `targets` to the results and returns the summary lines. */
export function summarize(results) {
  const lines = [];
  const targets = {};
  for (const [key, p1] of Object.entries(results.p1 ?? {})) {
    const w = p1.ms.webinfer.median;
    const r = p1.ms.raw.median;
    const ratio = w / r;
    const ok = key === 'mlp' ? w - r <= 0.1 : ratio <= 1.03;
    const target = key === 'mlp' ? '<= raw + 0.1 ms' : '<= 1.03x';
    targets[`p1.${key}`] = { ok, target, ratio, deltaMs: w - r };
    lines.push(
      `P1 ${key}: webinfer/raw ${f(ratio, 3)}x (${w - r >= 0 ? '+' : ''}${ms(w - r)}) target ${target} ${verdict(ok)} | ` +
        `median per call: webinfer ${ms(w)}, raw ${ms(r)} (in-worker run ${ms(p1.rawInWorkerMs.median)}), ` +
        `proxy ${ms(p1.ms.proxy.median)}, main ${ms(p1.ms.main.median)}; n=${p1.reps} ${where(p1.conditions)}`,
    );
  }
  if (results.hotPath) {
    const h = results.hotPath;
    const m = (side) => h.ms[side].median;
    const webinferOverRaw = m('webinfer') - m('raw');
    const comlink = m('comlink') - m('postMessage');
    const sync = h.webinferSyncMs.median;
    lines.push(
      `hot path mlp: webinfer - raw ${ms(webinferOverRaw)} per call, no target (P1 has it) | layers: predict()'s ` +
        `synchronous part (checks, transfer list, outbox) ${ms(sync)}; Comlink over a bare postMessage round trip ` +
        `${ms(comlink)}; the rest (page promises, worker host and batcher, reply) ${ms(webinferOverRaw - comlink - sync)}; ` +
        `medians: postMessage ${ms(m('postMessage'))}, comlink ${ms(m('comlink'))}, raw ${ms(m('raw'))} (run ` +
        `${ms(h.rawRunMs.median)}), webinfer ${ms(m('webinfer'))}; n=${h.reps} ${where(h.conditions)}`,
    );
  }
  for (const [key, p2] of Object.entries(results.p2 ?? {})) {
    const s = p2.perSecond;
    const vsRaw = s.webinfer / s.raw;
    const vsProxy = s.webinfer / s.proxy;
    const need = key === 'mlp' ? 2.5 : 1.5;
    const ok = vsRaw >= need && vsProxy >= 2;
    targets[`p2.${key}`] = { ok, target: `>= ${need}x raw and >= 2x proxy`, vsRaw, vsProxy };
    const c = p2.coalescing;
    lines.push(
      `P2 ${key}: webinfer/raw ${f(vsRaw)}x, webinfer/proxy ${f(vsProxy)}x throughput, target >= ${need}x and >= 2x ${verdict(ok)} | ` +
        `${p2.conditions.total} calls: webinfer concurrent ${ms(p2.ms.webinfer.median)} (${f(s.webinfer, 0)}/s), ` +
        `raw sequential ${ms(p2.ms.raw.median)} (${f(s.raw, 0)}/s), proxy sequential ${ms(p2.ms.proxy.median)} (${f(s.proxy, 0)}/s); ` +
        `diagnostics: webinfer sequential ${f(s['webinfer-sequential'], 0)}/s, raw pipelined ${f(s['raw-pipelined'], 0)}/s, ` +
        `webinfer concurrent with maxSize ${Object.keys(s)
          .filter((k) => k.startsWith('webinfer-max'))
          .map((k) => `${k.slice(12)} ${f(s[k], 0)}/s`)
          .join(', ')}; ` +
        `coalescing ${c.requests} requests in ${c.runs} runs (largest ${c.largestRun}); ` +
        `engine alone, ms per sample by batch size: ${Object.entries(p2.perSampleMs ?? {})
          .map(([n, t]) => `${n}: ${ms(round4(t))}`)
          .join(', ')}; ` +
        `rounds=${p2.rounds} ${where(p2.conditions)}`,
    );
  }
  for (const [key, p2] of Object.entries(results.p2 ?? {})) {
    // The ceiling: the best hand-batched run inside the worker, of any size up to the whole burst.
    const [bestSize, handBatchedMs] = Object.entries(p2.perSampleMs ?? {}).reduce(
      (best, entry) => (entry[1] < best[1] ? entry : best),
      ['-', Number.POSITIVE_INFINITY],
    );
    if (!Number.isFinite(handBatchedMs)) continue;
    const ceiling = 1000 / handBatchedMs;
    const ratio = p2.perSecond.webinfer / ceiling;
    const ok = ratio >= 0.9;
    targets[`p2ceiling.${key}`] = { ok, target: '>= 0.9', ratio };
    lines.push(
      `P2-ceiling ${key}: coalesced/hand-batched ${f(ratio)}, target >= 0.9 ${verdict(ok)} | ${p2.conditions.total} ` +
        `concurrent predicts ${f(p2.perSecond.webinfer, 0)}/s vs the best hand-batched run inside the worker ` +
        `(${bestSize} rows) ${f(ceiling, 0)}/s, ${f(handBatchedMs * 1000, 2)} µs per row, engine time only ${where(p2.conditions)}`,
    );
  }
  if (results.p3) {
    const p3 = results.p3;
    const h = p3.handOffMs.median;
    const ok = h <= 1 && p3.allDetached;
    targets.p3 = { ok, target: '<= 1 ms and not copied', ratio: h / p3.structuredCloneMs.median };
    lines.push(
      `P3 mlp 64 MiB: hand-off/structuredClone ${f(h / p3.structuredCloneMs.median, 4)}x, target <= 1 ms and no page-side copy ${verdict(ok)} | ` +
        `predict() synchronous part ${ms(h)} (p90 ${ms(p3.handOffMs.p90)}), bare postMessage with transfer ${ms(p3.postMessageMs.median)} (p90 ${ms(p3.postMessageMs.p90)}), ` +
        `structuredClone ${ms(p3.structuredCloneMs.median)}; ` +
        `input detached after the call: ${p3.allDetached ? 'yes (transferred, not copied)' : 'NO'}; ` +
        `n=${p3.reps} ${where(p3.conditions)}`,
    );
  }
  if (results.p4) {
    const { webinfer: w, main: m } = results.p4.sides;
    const ok = w.longTasks === 0;
    targets.p4 = { ok, target: '0 long tasks for webinfer', webinfer: w.longTasks, main: m?.longTasks };
    lines.push(
      `P4 rec: long tasks webinfer ${w.longTasks} vs main ${m?.longTasks ?? '-'}, target 0 ${verdict(ok)} | ` +
        `over ${f(w.seconds, 1)} s each: webinfer ${w.calls} calls (${ms(w.callMs.median)}), max frame gap ${ms(w.maxFrameGapMs)}, ` +
        `${w.gapsOver50ms} gaps > 50 ms; main ${m?.calls} calls (${ms(m?.callMs.median)}), long tasks ${ms(m?.longTaskMs)} in all ` +
        `(longest ${ms(m?.longestTaskMs)}), max frame gap ${ms(m?.maxFrameGapMs)}, ${m?.gapsOver50ms} gaps > 50 ` +
        `ms ${where(results.p4.conditions)}`,
    );
  }
  for (const [key, p5] of Object.entries(results.p5 ?? {})) {
    const ratio = p5.webinfer.median / p5.raw.median;
    const ok = ratio <= 1.1;
    targets[`p5.${key}`] = { ok, target: '<= 1.1x', ratio };
    lines.push(
      `P5 ${key}: warm start webinfer/raw ${f(ratio, 3)}x, target <= 1.1x ${verdict(ok)} | second and later page loads, navigation to first result: ` +
        `webinfer ${ms(p5.webinfer.median)}, raw ${ms(p5.raw.median)} (first, cold loads: webinfer ${ms(p5.cold.webinfer)}, raw ${ms(p5.cold.raw)}); ` +
        `n=${p5.webinfer.n} ${where(p5.conditions)}`,
    );
  }
  if (results.p6) {
    const p6 = results.p6;
    const mb = (bytes) => `${f(bytes / 2 ** 20, 1)} MB`;
    const budget = 1.3 * p6.modelBytes + p6.runtime.total;
    const ok = p6.secondReplica.total <= budget && p6.perModel.page <= 0.1 * p6.modelBytes;
    targets.p6 = {
      ok,
      target: '<= 1.3x model bytes + runtime per replica; no page-side copy',
      ratio: p6.secondReplica.total / budget,
    };
    lines.push(
      `P6 ${p6.model.includes('rec') ? 'rec' : p6.model}: a second replica costs ${mb(p6.secondReplica.total)} = ` +
        `${f(p6.secondReplica.total / (p6.modelBytes + p6.runtime.total))}x (model + runtime), target <= 1.3x model ` +
        `${mb(p6.modelBytes)} + runtime ${mb(p6.runtime.total)} = ${mb(budget)} ${verdict(ok)} | the model on an existing ` +
        `worker ${mb(p6.perModel.total)} (${f(p6.perModel.total / p6.modelBytes)}x its file; page side ${mb(p6.perModel.page)}); ` +
        `the runtime alone (worker + tiny model) ${mb(p6.runtime.total)}; raw onnxruntime-web in a worker with the ` +
        `model ${mb(p6.rawWorker.total)} ${where(p6.conditions)}`,
    );
  }
  if (results.liveness) {
    const { webinfer: w, direct: d } = results.liveness.ms;
    lines.push(
      `liveness (TF.js): webinfer/direct ${f(w.median / d.median, 3)}x (${w.median - d.median >= 0 ? '+' : ''}${ms(w.median - d.median)}), no target | ` +
        `median per call: webinfer ${ms(w.median)}, TF.js direct in a worker ${ms(d.median)}; ` +
        `n=${results.liveness.reps} ${where(results.liveness.conditions)}`,
    );
  }
  for (const [key, p7] of Object.entries(results.p7 ?? {})) {
    const c = p7.conditions;
    const rates = Object.entries(p7.configs).map(
      ([name, config]) => `${name} ${f(config.perSecond, 0)}/s (one call alone ${ms(config.aloneMs.median)})`,
    );
    const auto = `'auto' chose ${p7.auto.workers} (${p7.auto.reason})`;
    const page = `[wasm, ${c.isolated ? 'cross-origin isolated' : 'not isolated'}, ${c.cores} cores, ${c.total} calls]`;
    if (!c.isolated) {
      const ratio = p7.configs['2 workers'].perSecond / p7.configs['1 worker'].perSecond;
      const ok = ratio >= 1.7;
      targets[`p7.${key}`] = { ok, target: '>= 1.7x', ratio };
      lines.push(
        `P7 ${key}: 2 workers/1 worker ${f(ratio)}x throughput, target >= 1.7x ${verdict(ok)} | ${rates.join(', ')}; ` +
          `${auto}; rounds=${p7.rounds} ${page}`,
      );
    } else {
      const best = Object.entries(p7.configs).reduce((a, b) => (b[1].perSecond > a[1].perSecond ? b : a));
      lines.push(
        `P7 ${key}: pool vs threads, no target; fastest: ${best[0]} | ${rates.join(', ')}; ${auto}; rounds=${p7.rounds} ${page}`,
      );
    }
  }
  for (const [key, p8] of Object.entries(results.p8 ?? {})) {
    const ratio = p8.p99Ms.median / p8.p50Ms.median;
    lines.push(
      `P8 ${key}: p99/p50 ${f(ratio)}x within a burst, no target (before per-run answers, every call waited for ` +
        `the last run) | per call, from the burst's start: p50 ${ms(p8.p50Ms.median)}, p99 ${ms(p8.p99Ms.median)}; ` +
        `rounds=${p8.rounds} ${where(p8.conditions)}`,
    );
  }
  if (results.p9) {
    const p9 = results.p9;
    const wall = p9.wallMs.task.median / p9.wallMs.page.median;
    const bytes = p9.bytesCrossing.page / p9.bytesCrossing.task;
    const busy = p9.mainThreadBusyMs.task.median;
    const idle = busy <= 0.05 * p9.wallMs.task.median;
    const ok = wall <= 0.8 && bytes >= 5 && idle;
    targets.p9 = { ok, target: 'task <= 0.8x wall, >= 5x fewer bytes, main thread idle', wall, bytes, busyMs: busy };
    const mb = (n) => `${f(n / 1e6, 2)} MB`;
    lines.push(
      `P9 ocr: task/page wall ${f(wall)}x, ${f(bytes, 1)}x fewer bytes crossing, main thread busy ${ms(busy)} ` +
        `(task) vs ${ms(p9.mainThreadBusyMs.page.median)} (page), target <= 0.8x, >= 5x, task busy <= 5% of its ` +
        `wall ${verdict(ok)} | median wall: task ${ms(p9.wallMs.task.median)}, page-driven ${ms(p9.wallMs.page.median)}; ` +
        `bytes crossing: task ${mb(p9.bytesCrossing.task)}, page-driven ${mb(p9.bytesCrossing.page)}; same text both ways: ` +
        `${p9.sameText} (${p9.lines.length} lines); rounds=${p9.rounds} ${where(p9.conditions)}`,
    );
  }
  if (results.p10) {
    const { streamMs, sequentialMs, memory, conditions: c } = results.p10;
    const ratio = sequentialMs.median / streamMs.median;
    const bounded = memory.peakPulledUnanswered <= c.maxInFlight;
    const ok = ratio >= 1.5 && bounded;
    targets.p10 = { ok, target: '>= 1.5x, pulled-unanswered <= maxInFlight', ratio, peak: memory.peakPulledUnanswered };
    lines.push(
      `P10 vad: stream ${f(ratio)}x faster than sequential predicts carrying the state, target >= 1.5x; producer 10x ` +
        `faster than the model: peak pulled-unanswered ${memory.peakPulledUnanswered} (maxInFlight ${c.maxInFlight}) ` +
        `${verdict(ok)} | ${c.seconds} s of audio, ${c.chunks} chunks: stream ${ms(streamMs.median)}, sequential ` +
        `${ms(sequentialMs.median)}; the engine alone ${ms(results.p10.engineMsPerChunk)} per chunk, so at best ` +
        `${f(sequentialMs.median / (results.p10.engineMsPerChunk * c.chunks))}x; max diff ${results.p10.maxDiff.toExponential(1)}; rounds=${results.p10.rounds} ` +
        `[wasm, ${c.isolated ? 'cross-origin isolated' : 'not isolated'}, ${c.numThreads} thread${c.numThreads === 1 ? '' : 's'}]`,
    );
  }
  results.targets = targets;
  return lines;
}
