import { messageOf } from '../../shared/errors.js';
import type { ProbeReport } from '../../shared/protocol.js';
import type { Tensor, Tensors } from '../../shared/types.js';
import type { Engine } from '../engines/engine.js';
import { compareOutputs, worstBeyond } from './compare-outputs.js';

/** A side whose one run takes longer than this is timed on that run alone: the probe stays bounded. */
const slowRunMs = 1000;
const timedRuns = 3;

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** The fastest of a few warm runs (ms); one run when that one alone is slow. */
async function fastest(engine: Engine, feeds: Tensors): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < timedRuns; run += 1) {
    const started = performance.now();
    await engine.run(feeds);
    const took = performance.now() - started;
    best = Math.min(best, took);
    if (took > slowRunMs) break;
  }
  return best;
}

/** Test hook: WebGPU's outputs shifted by 1, as a backend that computes wrong answers would give. */
function perturbed(outputs: Tensors): Tensors {
  const shifted: Tensors = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    const floats = tensor.data instanceof Float32Array || tensor.data instanceof Float64Array;
    shifted[name] = floats
      ? ({ ...tensor, data: (tensor.data as Float32Array).map((value) => value + 1) } as Tensor)
      : tensor;
  }
  return shifted;
}

export interface ProbeSides {
  webgpu: Engine;
  wasm: Engine;
  feeds: Tensors;
  tolerance: number;
  /** Whose feeds: made up from the model's inputs, or the app's (load option probe). */
  feedsFrom: 'made-up' | 'app';
  /** Test hook: make WebGPU's answers wrong. */
  perturbWebgpu: boolean;
}

/**
 * Runs the model once on each backend on the same feeds, compares every output, and times a few
 * warm runs of each: WebGPU is chosen only if its answers agree within `tolerance` and it is faster.
 */
export async function probeWebGpu(sides: ProbeSides): Promise<Omit<ProbeReport, 'cached'>> {
  const { webgpu, wasm, feeds, tolerance } = sides;
  const base = { tolerance };
  let gpu: Tensors;
  let cpu: Tensors;
  try {
    // The first run of each compiles (shaders, kernels): compared, not timed.
    gpu = await webgpu.run(feeds);
    cpu = await wasm.run(feeds);
  } catch (error) {
    return {
      ...base,
      chose: 'wasm',
      reason:
        `WASM: the WebGPU probe could not run the model on ${sides.feedsFrom === 'app' ? 'the feeds of the load option probe' : 'made-up feeds'} ` +
        `(${messageOf(error)}), so WebGPU's answers were not checked; pass the load option probe with feeds the model accepts`,
    };
  }
  const diffs = compareOutputs(sides.perturbWebgpu ? perturbed(gpu) : gpu, cpu);
  const worst = worstBeyond(diffs, tolerance);
  if (worst !== undefined) {
    const how =
      worst.dimsDiffer ?? (worst.nonFinite > 0 ? `${worst.nonFinite} NaN/Inf` : worst.maxAbs.toExponential(1));
    return {
      ...base,
      chose: 'wasm',
      worst,
      reason: `WASM: WebGPU output '${worst.output}' differs from WASM by ${how} (tolerance ${tolerance})`,
    };
  }
  const webgpuMs = await fastest(webgpu, feeds);
  const wasmMs = await fastest(wasm, feeds);
  const agreed = diffs.reduce((top, diff) => Math.max(top, diff.maxAbs), 0);
  const times = `WebGPU ${ms(webgpuMs)} vs WASM ${ms(wasmMs)} per run`;
  if (webgpuMs >= wasmMs) return { ...base, chose: 'wasm', webgpuMs, wasmMs, reason: `WASM: ${times}` };
  return {
    ...base,
    chose: 'webgpu',
    webgpuMs,
    wasmMs,
    reason: `WebGPU: ${times}, outputs within ${agreed.toExponential(1)} of WASM's (tolerance ${tolerance})`,
  };
}
