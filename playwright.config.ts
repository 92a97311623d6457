import { defineConfig } from '@playwright/test';
import type { Setup } from './test/browser/fixtures.js';
import { chromiumArgs, chromiumPath } from './test/chromium.mjs';
import { examplePorts } from './test/examples/layout.mjs';

function project(name: string, setup: Setup) {
  const args = setup.webgpuFlag ? [...chromiumArgs, '--enable-unsafe-webgpu'] : chromiumArgs;
  return {
    name,
    // The offline PWA check drives the built demo, not the SDK's setups: once is enough.
    ...(name === 'wasm-isolated' ? {} : { testIgnore: /offline\.spec\.ts$/ }),
    use: {
      setup,
      launchOptions: { executablePath: chromiumPath, args },
    },
  };
}

// PORT lets two checkouts run their suites side by side.
const port = Number(process.env.PORT ?? 4173);

// The four browser setups every behaviour is checked in.
export default defineConfig({
  testDir: 'test/browser',
  timeout: 60_000,
  fullyParallel: true,
  workers: 2,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, headless: true },
  webServer: [
    {
      command: 'node test/server.mjs',
      url: `http://127.0.0.1:${port}/coi/test/pages/esm.html`,
      reuseExistingServer: true,
    },
    {
      // The example apps (examples.spec.ts), built from the packed SDK by `npm run examples`.
      command: 'node test/examples/serve-examples.mjs',
      url: `http://127.0.0.1:${examplePorts.vite7Dev.isolated}/`,
      reuseExistingServer: true,
    },
  ],
  projects: [
    project('wasm-isolated', { isolated: true, webgpuFlag: false, backend: 'auto', expectBackend: 'wasm' }),
    project('wasm-plain', { isolated: false, webgpuFlag: false, backend: 'auto', expectBackend: 'wasm' }),
    project('webgpu-forced', { isolated: true, webgpuFlag: true, backend: 'webgpu', expectBackend: 'webgpu' }),
    project('webgpu-auto', { isolated: true, webgpuFlag: true, backend: 'auto', expectBackend: 'wasm' }),
  ],
});
