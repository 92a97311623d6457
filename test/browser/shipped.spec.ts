// What ships is what users may use: the built package's types name no test hook.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const typesDir = new URL('../../dist/types/', import.meta.url).pathname;

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? declarationFiles(join(dir, entry.name))
      : entry.name.endsWith('.d.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

test('the published .d.ts files declare the API and no test hook', () => {
  test.skip(test.info().project.name !== 'wasm-isolated', 'a check of the build, not of a browser setup');
  const files = declarationFiles(typesDir);
  const text = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  expect(text).toContain('predictBatch(');
  expect(text).toContain('export declare function load(');
  expect(text.match(/\w*ForTesting\w*/g) ?? []).toEqual([]);
});
