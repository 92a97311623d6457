import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

/** Opens the test page served with a strict CSP; the console's CSP complaints gather in the list returned. */
async function openStrictCspPage(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto('/csp/test/pages/csp.html');
  await page.waitForFunction(() => window.webinfer !== undefined);
  return violations;
}

for (const workers of [1, 2]) {
  test(`under a strict CSP (no blob:, no unsafe-eval) a model on ${workers} worker(s) loads and runs, with no violation reported`, async ({
    page,
    sdk,
  }) => {
    const violations = await openStrictCspPage(page);
    const result = await page.evaluate(
      async ({ backend, workers }) => {
        const policyViolations: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
        window.webinfer.configure({ maxWorkers: workers });
        const model = await window.webinfer.load('../models/out/fixed.onnx', { backend, workers });
        const x = () => ({ dtype: 'float32' as const, dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) });
        const outs = await Promise.all([model.predict({ x: x() }), model.predict({ x: x() })]);
        const ys = outs.map((out) => Array.from(out.y!.data as Float32Array));
        return { backend: model.backend, workers: model.workers, ys, policyViolations };
      },
      { backend: sdk.setup.backend, workers },
    );
    const y = [2, 4, 6, 8];
    expect(result).toEqual({ backend: sdk.setup.expectBackend, workers, ys: [y, y], policyViolations: [] });
    expect(violations).toEqual([]);
  });
}

test("under a strict CSP an app's own worker connects and runs a task chaining two models, with no violation", async ({
  page,
  sdk,
}) => {
  const violations = await openStrictCspPage(page);
  const result = await page.evaluate(async (backend) => {
    const policyViolations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
    const app = await window.webinfer.connect(
      () => new Worker(new URL('workers/app.worker.js', document.baseURI), { type: 'module' }),
      { backend, models: { mlp: '../models/out/mlp.onnx', add: '../models/out/two_inputs.onnx' } },
    );
    const features = { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(1) };
    const out = (await app.run('classifyTwice', { features })) as { doubled: Float32Array; backend: string };
    const total = out.doubled.reduce((sum, value) => sum + value, 0);
    return { backend: out.backend, total: Math.round(total * 1e4) / 1e4, policyViolations };
  }, sdk.setup.backend);
  // The adder doubles softmax probabilities: they sum to 2.
  expect(result).toEqual({ backend: sdk.setup.expectBackend, total: 2, policyViolations: [] });
  expect(violations).toEqual([]);
});
