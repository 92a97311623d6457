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
  expect(text).toMatch(/export declare function load[<(]/); // generic: load<Outputs …>(…)
  expect(text.match(/\w*ForTesting\w*/g) ?? []).toEqual([]);
});

test('the test hooks refuse a page that has not declared itself a test, and the model keeps serving', async ({
  page,
}) => {
  test.skip(test.info().project.name !== 'wasm-isolated', 'a check of the page-side guard, not of a browser setup');
  await page.goto('/coi/test/pages/esm.html');
  await page.waitForFunction(() => window.webinfer !== undefined);
  const outcome = await page.evaluate(async () => {
    (globalThis as { __webinferTestHooks?: boolean }).__webinferTestHooks = false;
    const model = await window.webinfer.load('../models/out/mlp.onnx');
    const refused = (() => {
      try {
        model.crashWorkerForTesting();
        return null;
      } catch (error) {
        return window.harness.error(error);
      }
    })();
    const out = await model.predict({ features: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) } });
    return { refused, dims: out.probs!.dims };
  });
  expect(outcome.refused).toMatchObject({ name: 'InputError' });
  expect(outcome.refused!.message).toContain('crashWorkerForTesting is a test hook');
  expect(outcome.dims).toEqual([1, 4]);
});
