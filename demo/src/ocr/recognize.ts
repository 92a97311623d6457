// The recognizer: the text of each upright line crop. Crops are grouped by width into a few fixed
// input widths, one model call each (all at once), so that a short line is not padded to the width of
// the longest, and calls of the same shape can be batched together by the SDK.
import { cropBatch, scaledWidth } from './crop.js';
import { type Decoded, decodeCtc } from './ctc.js';
import { runOnImages } from './model-io.js';
import type { Quad, RgbaImage, RunModel } from './types.js';

// 320 is PaddleOCR's own minimum (a 48×320 input); past 1600 (a line 33 times as long as it is high)
// crops are squeezed. Steps of 160 keep the padding short: much padding also costs the spaces.
const widest = 1600;
const inputWidths = Array.from({ length: 9 }, (_, i) => 320 + 160 * i);

/** The text read in each box, in the order of `boxes`. */
export async function recognizeLines(
  image: RgbaImage,
  boxes: readonly Quad[],
  rec: RunModel,
  dictionary: readonly string[],
): Promise<Decoded[]> {
  const read: Decoded[] = new Array(boxes.length);
  const groups = [...groupByInputWidth(boxes)];
  await Promise.all(
    groups.map(async ([width, rows]) => {
      const output = await runOnImages(
        rec,
        'rec',
        cropBatch(
          image,
          rows.map((row) => boxes[row]!),
          width,
        ),
      );
      decodeCtc(output.data, output.dims, dictionary).forEach((decoded, i) => {
        read[rows[i]!] = decoded;
      });
    }),
  );
  return read;
}

/** The indices of the boxes by the narrowest input width that holds each. */
function groupByInputWidth(boxes: readonly Quad[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  boxes.forEach((box, row) => {
    const needed = scaledWidth(box, widest);
    const width = inputWidths.find((candidate) => candidate >= needed) ?? widest;
    groups.set(width, [...(groups.get(width) ?? []), row]);
  });
  return groups;
}
