import { describe, expect, it } from 'vitest';
import { decodeCtc, parseDictionary } from '../../demo/src/ocr/ctc.js';

const dictionary = ['a', 'b', ' '];

/** A one-row output [1, steps, 4] whose step t puts `probability` on class `classes[t]`. */
function output(classes: number[], probability = 0.9): { data: Float32Array; dims: number[] } {
  const data = new Float32Array(classes.length * 4).fill((1 - probability) / 3);
  classes.forEach((best, step) => {
    data[step * 4 + best] = probability;
  });
  return { data, dims: [1, classes.length, 4] };
}

describe('CTC decoding', () => {
  it('merges repeats and drops blanks', () => {
    const { data, dims } = output([0, 1, 1, 0, 2, 2, 2, 0]);
    expect(decodeCtc(data, dims, dictionary)).toEqual([{ text: 'ab', confidence: expect.closeTo(0.9) }]);
  });

  it('keeps a repeated character that a blank separates', () => {
    const { data, dims } = output([1, 0, 1, 3, 2]);
    expect(decodeCtc(data, dims, dictionary)[0]?.text).toBe('aa b');
  });

  it('reads nothing, with confidence 0, from all blanks', () => {
    const { data, dims } = output([0, 0, 0]);
    expect(decodeCtc(data, dims, dictionary)).toEqual([{ text: '', confidence: 0 }]);
  });

  it('decodes each row of a batch', () => {
    const [first, second] = [output([1, 0]), output([2, 2])];
    const data = Float32Array.of(...first.data, ...second.data);
    expect(decodeCtc(data, [2, 2, 4], dictionary).map((row) => row.text)).toEqual(['a', 'b']);
  });

  it('says how many entries the dictionary needs when it does not fit the model', () => {
    const { data, dims } = output([1]);
    expect(() => decodeCtc(data, dims, ['a'])).toThrow(/needs 3 entries, but it has 1/);
  });

  it('parses a ppocr_keys file: one character a line, then the space', () => {
    expect(parseDictionary('a\nb\n')).toEqual(['a', 'b', ' ']);
    expect(parseDictionary('a\r\nb')).toEqual(['a', 'b', ' ']);
  });
});
