import { formatDims } from '../../shared/dtypes.js';
import type { Tensor, Tensors } from '../../shared/types.js';

/**
 * How far a row's outputs run alone may be from its slice of the batched run: |a - b| <= abs + rel·|b|.
 * WebGPU kernels pick other tilings for other batch sizes, so sums come out a few ulps apart; a row
 * mixed with its neighbours is off by whole units.
 */
const probeTolerance = { abs: 1e-4, rel: 1e-3 };

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

function numbersOf(tensor: Tensor): number[] {
  if (tensor.dtype === 'float16') return Array.from(tensor.data, halfToNumber);
  return Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}

function close(a: number, b: number, tolerance = probeTolerance): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  return Math.abs(a - b) <= tolerance.abs + tolerance.rel * Math.abs(b);
}

/** Largest |a - b| where a and b are not close; 0 when all are. */
function worstDiff(together: readonly number[], alone: readonly number[]): number {
  let worst = 0;
  together.forEach((a, i) => {
    const b = alone[i] as number;
    if (!close(a, b)) worst = Math.max(worst, Number.isNaN(a - b) ? Infinity : Math.abs(a - b));
  });
  return worst;
}

/** Whether output `name` of the batched run has each row's solo outputs in that row; why not if not. */
function outputMismatch(name: string, batched: Tensor, alone: readonly Tensors[]): string | undefined {
  const rows = alone.length;
  if (batched.dims[0] !== rows) {
    return `output '${name}' has dims ${formatDims(batched.dims)} for ${rows} rows: its dim 0 does not follow the rows`;
  }
  const together = numbersOf(batched);
  const rowLength = together.length / rows;
  let worst = 0;
  for (const [row, outputs] of alone.entries()) {
    const solo = outputs[name];
    if (solo === undefined || solo.dims[0] !== 1 || solo.data.length !== rowLength) {
      const dims = solo === undefined ? 'nothing' : formatDims(solo.dims);
      return `output '${name}' of one row alone has ${dims}, but its slice of the batch has ${rowLength} values`;
    }
    worst = Math.max(worst, worstDiff(together.slice(row * rowLength, (row + 1) * rowLength), numbersOf(solo)));
  }
  return worst > 0 ? `output '${name}', max diff ${Number(worst.toPrecision(3))}` : undefined;
}

/**
 * Compares a batched run with the same rows run one by one: undefined when every row got the same
 * outputs both ways, else what differed (the first output that did).
 */
export function rowMismatch(batched: Tensors, alone: readonly Tensors[]): string | undefined {
  for (const [name, tensor] of Object.entries(batched)) {
    const mismatch = outputMismatch(name, tensor, alone);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}
