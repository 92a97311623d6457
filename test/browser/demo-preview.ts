// The built demo (npm run build:demo), served by `vite preview` on a free port, for the specs that drive it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';

const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));

/** Whether the demo is built (its service worker is the last file the build writes). */
export const demoBuilt = existsSync(fileURLToPath(new URL('../../demo-dist/sw.js', import.meta.url)));

export const notBuilt = 'the demo is not built: run `npm run build:demo` (npm test does)';

/** Serves the built demo; `origin` is where, `close` stops it. */
export async function previewDemo(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = await preview({ configFile: demoConfig, preview: { port: 0, strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
