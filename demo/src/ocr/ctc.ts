// Greedy CTC decoding of the recognizer's output, PaddleOCR's CTCLabelDecode.

export interface Decoded {
  text: string;
  /** The mean probability of the characters kept; 0 when none is. */
  confidence: number;
}

/**
 * Reads the text of each row of `probabilities` [n, steps, classes]: the likeliest class at each step,
 * repeats merged, blanks (class 0) dropped. Class i > 0 is `dictionary[i - 1]`, so a dictionary must
 * have exactly classes − 1 entries.
 */
export function decodeCtc(
  probabilities: Float32Array,
  dims: readonly number[],
  dictionary: readonly string[],
): Decoded[] {
  const [rows = 0, steps = 0, classes = 0] = dims;
  if (dictionary.length !== classes - 1) {
    throw new Error(
      `OCR: the recognizer has ${classes} classes, blank first, so the dictionary needs ${classes - 1} entries, ` +
        `but it has ${dictionary.length}. Pass the model's own dictionary through parseDictionary().`,
    );
  }
  return Array.from({ length: rows }, (_, row) =>
    decodeRow(probabilities.subarray(row * steps * classes, (row + 1) * steps * classes), classes, dictionary),
  );
}

function decodeRow(row: Float32Array, classes: number, dictionary: readonly string[]): Decoded {
  let [text, sum, count, previous] = ['', 0, 0, 0];
  for (let step = 0; step * classes < row.length; step++) {
    const [best, probability] = argmax(row, step * classes, classes);
    // A repeat is merged only when nothing came between: "a, blank, a" is two a's.
    if (best !== 0 && best !== previous) {
      text += dictionary[best - 1];
      sum += probability;
      count++;
    }
    previous = best;
  }
  return { text, confidence: count === 0 ? 0 : sum / count };
}

/** The index (counted from `start`) and value of the largest of `length` values. */
function argmax(values: Float32Array, start: number, length: number): [number, number] {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i]! > values[start + best]!) best = i;
  return [best, values[start + best]!];
}

/**
 * The recognizer's dictionary from its ppocr_keys text, one character a line: PaddleOCR adds the space
 * after the listed characters (use_space_char), the last class of its models.
 */
export function parseDictionary(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line, it adds none
  return [...lines, ' '];
}
