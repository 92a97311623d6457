import type { Tensors } from '../../shared/types.js';

/** How far one output of a run is from the same output of a reference run. */
export interface OutputDiff {
  output: string;
  /** Largest |value - reference|. */
  maxAbs: number;
  /** Largest |value - reference| / (1 + |reference|): what the tolerance bounds. */
  maxScaled: number;
  /** Elements NaN or infinite in one run and not the other. */
  nonFinite: number;
  /** Set when the dims differ: nothing else is comparable. */
  dimsDiffer?: string;
}

const numeric = (value: number | bigint): number => (typeof value === 'bigint' ? Number(value) : value);

function diffOf(output: string, actual: Tensors[string], reference: Tensors[string]): OutputDiff {
  const diff: OutputDiff = { output, maxAbs: 0, maxScaled: 0, nonFinite: 0 };
  if (actual.dims.join() !== reference.dims.join()) {
    return { ...diff, maxAbs: Infinity, maxScaled: Infinity, dimsDiffer: `[${actual.dims}] vs [${reference.dims}]` };
  }
  const a = actual.data as ArrayLike<number | bigint>;
  const b = reference.data as ArrayLike<number | bigint>;
  for (let i = 0; i < b.length; i += 1) {
    const x = numeric(a[i] as number | bigint);
    const y = numeric(b[i] as number | bigint);
    if (Number.isFinite(x) !== Number.isFinite(y)) diff.nonFinite += 1;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const abs = Math.abs(x - y);
    diff.maxAbs = Math.max(diff.maxAbs, abs);
    diff.maxScaled = Math.max(diff.maxScaled, abs / (1 + Math.abs(y)));
  }
  return diff;
}

/** Every output of `actual` against the same output of `reference` (the outputs both runs have). */
export function compareOutputs(actual: Tensors, reference: Tensors): OutputDiff[] {
  return Object.entries(reference).flatMap(([name, expected]) => {
    const got = actual[name];
    return got === undefined ? [] : [diffOf(name, got, expected)];
  });
}

/** The worst output past `tolerance` (non-finite mismatches always are), or undefined when all agree. */
export function worstBeyond(diffs: readonly OutputDiff[], tolerance: number): OutputDiff | undefined {
  const beyond = diffs.filter((diff) => diff.nonFinite > 0 || diff.maxScaled > tolerance);
  return beyond.sort((x, y) => y.maxScaled - x.maxScaled)[0];
}
