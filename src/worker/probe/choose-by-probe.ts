import { messageOf } from '../../shared/errors.js';
import type { ProbeReport, ProbeRequest, RowShapes } from '../../shared/protocol.js';
import type { ProgressSink } from '../../shared/protocol.js';
import type { TensorInfo, Tensors } from '../../shared/types.js';
import { madeUpFeeds } from '../batching/probe-feeds.js';
import { concreteDims } from '../../shared/dtypes.js';
import type { Engine } from '../engines/engine.js';
import { storedVerdict, storeVerdict } from './verdicts.js';
import { probeWebGpu } from './webgpu-probe.js';

/** Each input's declared shape with every symbolic dim taken as 1: the probe's made-up feeds. */
function probeShapes(inputs: readonly TensorInfo[]): RowShapes {
  const shapes: RowShapes = {};
  for (const { name, dtype, shape } of inputs) {
    shapes[name] = { dtype, dims: concreteDims(shape) };
  }
  return shapes;
}

export interface ProbeContext {
  request: ProbeRequest;
  /** The model, started on WebGPU. */
  webgpu: Engine;
  /** Starts the model on WASM. */
  startWasm(): Promise<Engine>;
  inputs: readonly TensorInfo[];
  /**
   * Names this model, adapter, runtime and probe (see verdicts.ts): a stored verdict under it is
   * reused. Undefined where no digest could be made: the probe runs, and nothing is stored.
   */
  key: string | undefined;
  onProgress: ProgressSink;
}

/**
 * WebGPU or WASM, by the verdict stored for this model on this device, or else by a probe (stored for
 * next time). `wasm` is the model started on WASM, when the probe started it.
 */
export async function decideByProbe(context: ProbeContext): Promise<{ report: ProbeReport; wasm?: Engine }> {
  const { request, key } = context;
  const stored = key === undefined ? undefined : await storedVerdict(key);
  if (stored !== undefined) return { report: { ...stored, cached: true } };
  context.onProgress({ phase: 'probe' });
  let wasm: Engine;
  try {
    wasm = await context.startWasm();
  } catch (error) {
    // WASM would not start (its runtime failed to download): WebGPU serves, unchecked, and the next
    // load probes again (nothing is stored).
    const reason = `WebGPU, unchecked: the probe could not start WASM to compare with (${messageOf(error)})`;
    return { report: { chose: 'webgpu', reason, tolerance: request.tolerance, cached: false } };
  }
  const feeds: Tensors = request.feeds ?? madeUpFeeds(probeShapes(context.inputs));
  const verdict = await probeWebGpu({
    webgpu: context.webgpu,
    wasm,
    feeds,
    tolerance: request.tolerance,
    feedsFrom: request.feeds === undefined ? 'made-up' : 'app',
    perturbWebgpu: request.perturbWebgpu,
  });
  if (key !== undefined) await storeVerdict(key, verdict);
  return { report: { ...verdict, cached: false }, wasm };
}
