// The Benchmark panel's workers sweep: 256 concurrent single-row calls on 1, 2, … workers (the load
// option `workers`), and what `workers: 'auto'` picks on this device, in plain words.
import { pooled, perSecond, type Runner } from '../../bench/lib/measure.js';
import type { Model, Webinfer } from './sdk.js';

const total = 256;

export interface Sweep {
  workers: number[];
  perSecond: number[];
  verdict: string;
}

/** A fresh instance of the SDK module: a pool of its own, so that no setting carries over. */
async function freshSdk(tag: string): Promise<Webinfer> {
  const url = new URL(`sdk/webinfer.js?sweep=${tag}`, document.baseURI).href;
  return (await import(/* @vite-ignore */ url)) as Webinfer;
}

function runnerFor(model: Model, dims: number[]): Runner {
  const base = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i % 255) / 255);
  const input = model.inputs[0]?.name ?? 'x';
  return {
    name: `${model.workers} workers`,
    prepare: () => ({ [input]: { dtype: 'float32', dims, data: base.slice() } }),
    call: async (feeds) => void (await model.predict(feeds)),
  };
}

/** What 'auto' chose, once it has decided (a model may decide on its first call). */
async function autoChoice(modelUrl: string, dims: number[], backend: string): Promise<Model> {
  const { load } = await freshSdk('auto');
  const model = await load(modelUrl, { backend });
  const runner = runnerFor(model, dims);
  await runner.call(runner.prepare());
  for (let waited = 0; model.workersReason.includes('until the first call') && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return model;
}

export async function workerSweep(
  modelUrl: string,
  dims: number[],
  backend: string,
  report: (status: string) => void,
): Promise<Sweep> {
  const counts = Array.from({ length: Math.min(4, Math.max(1, navigator.hardwareConcurrency)) }, (_, i) => i + 1);
  const rates: number[] = [];
  for (const workers of counts) {
    report(`workers: ${workers} of ${counts.length}…`);
    const sdk = await freshSdk(String(workers));
    sdk.configure({ maxWorkers: workers, idleWorkerMs: 0 });
    const model = await sdk.load(modelUrl, { backend, workers });
    const runner = runnerFor(model, dims);
    await pooled(runner, total, total); // warm every replica
    rates.push(perSecond(total, Math.min(await pooled(runner, total, total), await pooled(runner, total, total))));
    await model.dispose();
  }
  const auto = await autoChoice(modelUrl, dims, backend);
  await auto.dispose();
  const best = rates.indexOf(Math.max(...rates));
  const gain = (rates[best] ?? 0) / (rates[0] ?? 1);
  const byCount = rates.map((rate, i) => `${counts[i]}: ${rate.toFixed(0)}/s`).join(', ');
  const served =
    best === 0
      ? `one worker served the most calls (${byCount})`
      : `${counts[best]} workers served ${gain.toFixed(2)}x the calls of one (${byCount})`;
  const verdict = `On this device, ${served}. workers: 'auto' chose ${auto.workersReason}.`;
  return { workers: counts, perSecond: rates, verdict };
}
