import { messageOf } from '../../shared/errors.js';
import type { BatchingStatus, LoadRequest } from '../../shared/protocol.js';
import { formatDims, isSymbolic } from '../../shared/dtypes.js';
import type { TensorInfo, Tensors } from '../../shared/types.js';
import { probeFeeds, probeRows } from './probe-feeds.js';
import { rowMismatch } from './row-agreement.js';

/** What the load options and the declared shapes settle, before any run; `probe` when a run must decide. */
export interface DeclaredBatching {
  status: BatchingStatus;
  probe: boolean;
}

/** Why dim 0 cannot be a batch in these values' declared shapes, if it cannot. */
function fixedDim0(kind: 'input' | 'output', values: readonly TensorInfo[]): string | undefined {
  for (const { name, shape } of values) {
    if (shape.length === 0) return `${kind} '${name}' is a scalar: it has no dim 0`;
    const dim = shape[0] as TensorInfo['shape'][0];
    if (!isSymbolic(dim)) return `dim 0 of ${kind} '${name}' is fixed (${formatDims(shape)})`;
  }
  return undefined;
}

export function declaredBatching(
  model: { inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[] },
  batch: LoadRequest['batch'],
): DeclaredBatching {
  const no = (reason: string): DeclaredBatching => ({ status: { coalesces: false, reason }, probe: false });
  if (batch.dim0 === 'off') return no('batch: false');
  if (batch.maxSize <= 1) return no('batch.maxSize is 1');
  const fixed = fixedDim0('input', model.inputs) ?? fixedDim0('output', model.outputs);
  if (fixed !== undefined) return no(`${fixed}; calls run one at a time`);
  if (batch.dim0 === 'trust') {
    return {
      status: { coalesces: true, reason: 'batch: { trust: true }: dim 0 taken as a batch without a probe' },
      probe: false,
    };
  }
  const reason =
    `not checked yet: dim 0 is symbolic in every input and output; a probe of ${probeRows} rows ` +
    `checks that rows are independent before the first run that would coalesce`;
  return { status: { coalesces: false, reason }, probe: true };
}

/**
 * Runs made-up rows shaped like `template` once batched and once row by row, and says whether each
 * row came out the same both ways. Never throws: a model that rejects the made-up data is simply not
 * shown to batch, and runs calls one at a time.
 */
export async function probeBatching(
  run: (feeds: Tensors) => Promise<Tensors>,
  template: Tensors,
): Promise<BatchingStatus> {
  const probe = `a probe of ${probeRows} rows`;
  try {
    const { batched, alone } = probeFeeds(template);
    const together = await run(batched);
    const apart: Tensors[] = [];
    for (const row of alone) apart.push(await run(row));
    const mismatch = rowMismatch(together, apart);
    if (mismatch === undefined)
      return { coalesces: true, reason: `verified by ${probe}: each row gave the same outputs batched and alone` };
    return {
      coalesces: false,
      reason:
        `${probe} batched differed from the rows run alone (${mismatch}): dim 0 is not a batch; calls run ` +
        `one at a time`,
    };
  } catch (error) {
    return {
      coalesces: false,
      reason: `${probe} of made-up data failed to run (${messageOf(error)}); calls run one at a time`,
    };
  }
}
