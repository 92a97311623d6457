import { expect, test } from './fixtures.js';

for (const workers of [1, 2]) {
  test(`under a strict CSP (no blob:, no unsafe-eval) a model on ${workers} worker(s) loads and runs, with no violation reported`, async ({
    page,
    sdk,
  }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto('/csp/test/pages/csp.html');
    await page.waitForFunction(() => window.webinfer !== undefined);
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
