// Shared by the test pages: turns results into JSON-safe values for Playwright to read back.
// The SDK's test hooks (crashWorkerForTesting, loseDeviceForTesting) answer only a page that says it is a test.
globalThis.__webinferTestHooks = true;
window.harness = {
  plain(tensors) {
    const out = {};
    for (const [name, t] of Object.entries(tensors)) {
      out[name] = {
        dtype: t.dtype,
        dims: [...t.dims],
        data: Array.from(t.data, (v) => (typeof v === 'bigint' ? String(v) : v)),
        type: t.data.constructor.name,
      };
    }
    return out;
  },
  error(e) {
    return {
      name: e?.name,
      message: e?.message,
      input: e?.input,
      output: e?.output,
      source: e?.source,
      backend: e?.backend,
      option: e?.option,
      isError: e instanceof Error,
    };
  },
  models: {},
  apps: {},
};
