/**
 * Edit distance with adjacent swaps counted as one edit (optimal string alignment): 'bakend' is one
 * edit from 'backend', and so is 'bakcend'.
 */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      let best = i === 0 || j === 0 ? i + j : Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1);
      if (i > 0 && j > 0) best = Math.min(best, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      table[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known name `typed` was most likely meant to be, or undefined when none is close. Case is ignored
 * ('maxsize'), a few typos are forgiven (about one per three letters), and a name that is part of a
 * known one counts ('threads' for 'numThreads').
 */
export function didYouMean(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const scored = known.map((name) => {
    const candidate = name.toLowerCase();
    const contained = lower.length >= 4 && candidate.includes(lower);
    return { name, distance: editDistance(lower, candidate), contained };
  });
  const close = scored.filter(({ distance, contained }) => contained || distance <= Math.max(1, lower.length / 3));
  close.sort((a, b) => a.distance - b.distance);
  return close[0]?.name;
}
