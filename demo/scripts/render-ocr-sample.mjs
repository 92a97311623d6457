// Renders the OCR demo's built-in sample, a short receipt, with Chromium: public/ocr-sample.png,
// and beside it the same text tilted a few degrees for the tests (test/fixtures/ocr-sample-tilted.png).
// The lines below are the one source of the text: this script also writes demo/src/ocr/sample-text.ts,
// which the tests compare the recognised lines with. Run: node demo/scripts/render-ocr-sample.mjs
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';

// Words and numbers the recogniser reads reliably: no l/1/I or O/0 look-alikes standing alone, single
// spaces (wide gaps would split a line into two detected boxes).
const lines = [
  'Green Market Receipt',
  'Whole wheat bread 3.25',
  'Fresh apples 2kg 5.80',
  'Tomato soup 2.95',
  'Total due 12.00',
  'Thank you, see you soon!',
];

const root = resolve(import.meta.dirname, '../..');

function page(tiltDegrees) {
  const text = lines.map((line) => `<div>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>`).join('');
  return `<!doctype html><body style="margin:0;background:#fff">
<div id="sample" style="width:800px;height:400px;background:#fff;overflow:hidden;display:flex;align-items:center">
  <div style="padding-left:60px;font:30px 'DejaVu Sans',sans-serif;line-height:52px;color:#111;transform:rotate(${tiltDegrees}deg)">${text}</div>
</div></body>`;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 800, height: 400 }, deviceScaleFactor: 1 });
  for (const [tilt, path] of [
    [0, 'public/ocr-sample.png'],
    [4, 'test/fixtures/ocr-sample-tilted.png'],
  ]) {
    await tab.setContent(page(tilt));
    await tab.locator('#sample').screenshot({ path: resolve(root, path) });
  }
} finally {
  await browser.close();
}

// Formatted as Biome would, so that rendering again leaves the file unchanged.
const quoted = lines.map((line) => `  '${line.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}',\n`).join('');
writeFileSync(
  resolve(root, 'demo/src/ocr/sample-text.ts'),
  '// Written by demo/scripts/render-ocr-sample.mjs: the text of public/ocr-sample.png, line by line.\n' +
    `export const SAMPLE_LINES: string[] = [\n${quoted}];\n`,
);
