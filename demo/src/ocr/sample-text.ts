// Written by demo/scripts/render-ocr-sample.mjs: the text of public/ocr-sample.png, line by line.
export const SAMPLE_LINES: string[] = [
  'Green Market Receipt',
  'Whole wheat bread 3.25',
  'Fresh apples 2kg 5.80',
  'Tomato soup 2.95',
  'Total due 12.00',
  'Thank you, see you soon!',
];
