import { expect, test } from './fixtures.js';

test('under a strict CSP (no blob:, no unsafe-eval) a model loads and runs, with no violation reported', async ({
  page,
  sdk,
}) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto('/csp/test/pages/csp.html');
  await page.waitForFunction(() => window.webinfer !== undefined);
  const result = await page.evaluate(async (backend) => {
    const policyViolations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
    const model = await window.webinfer.load('../models/out/fixed.onnx', { backend });
    const out = await model.predict({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
    return { backend: model.backend, y: Array.from(out.y!.data as Float32Array), policyViolations };
  }, sdk.setup.backend);
  expect(result).toEqual({ backend: sdk.setup.expectBackend, y: [2, 4, 6, 8], policyViolations: [] });
  expect(violations).toEqual([]);
});
