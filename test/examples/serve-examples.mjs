// Serves the example apps built by build-examples.mjs for examples.spec.ts: each production build as
// static files, and the Vite example through Vite's dev server; each twice, a plain page and a
// cross-origin isolated one (COOP/COEP). Ports: see examplePorts in layout.mjs.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createServer as createViteServer } from 'vite';
import { buildDir, examplePorts, isolationHeaders, vite7Dir } from './layout.mjs';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serveStatic(root, port, headers) {
  const server = createHttpServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404, headers).end('not found');
      return;
    }
    const type = types[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
}

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
