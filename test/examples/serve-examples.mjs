// Serves the example apps built by build-examples.mjs for examples.spec.ts: each production build as
// static files, and the Vite example through Vite's dev server; each twice, a plain page and a
// cross-origin isolated one (COOP/COEP). Ports: see examplePorts in layout.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';
import { buildDir, examplePorts, isolationHeaders, vite7Dir } from './layout.mjs';
import { serveStatic } from './static-server.mjs';

async function serveDev(createServer, root, port, headers) {
  const server = await createServer({
    root,
    configFile: existsSync(join(root, 'vite.config.js')) ? join(root, 'vite.config.js') : false,
    logLevel: 'warn',
    server: { port, strictPort: true, host: '127.0.0.1', headers },
  });
  await server.listen();
}

// A spec run on its own (not through npm test) builds them first.
if (!existsSync(join(buildDir, 'sizes.json'))) {
  execFileSync(process.execPath, [new URL('./build-examples.mjs', import.meta.url).pathname], { stdio: 'inherit' });
}

const { createServer: createVite7Server } = await import(
  join(vite7Dir, 'node_modules', 'vite', 'dist', 'node', 'index.js')
);

const pages = [
  ['vite', (port, headers) => serveStatic(join(buildDir, 'vite', 'dist'), port, headers)],
  ['viteNoConfig', (port, headers) => serveStatic(join(buildDir, 'vite-no-config', 'dist'), port, headers)],
  ['webpack', (port, headers) => serveStatic(join(buildDir, 'webpack', 'dist'), port, headers)],
  ['viteDev', (port, headers) => serveDev(createViteServer, join(buildDir, 'vite'), port, headers)],
  ['viteDevNoConfig', (port, headers) => serveDev(createViteServer, join(buildDir, 'vite-no-config'), port, headers)],
  ['vite7', (port, headers) => serveStatic(join(buildDir, 'vite7', 'dist'), port, headers)],
  ['vite7Dev', (port, headers) => serveDev(createVite7Server, join(buildDir, 'vite7'), port, headers)],
];
for (const [name, serve] of pages) {
  await serve(examplePorts[name].plain, {});
  await serve(examplePorts[name].isolated, isolationHeaders);
}
console.log(`example apps served on ports ${Object.values(examplePorts).flatMap(Object.values).join(', ')}`);
