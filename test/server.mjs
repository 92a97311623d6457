// Static server for the browser tests and benchmarks. `/coi/<path>` serves <path> with COOP/COEP
// (a cross-origin isolated page: WASM threads); `/plain/<path>` serves it without; `/csp/<path>` adds
// the strictest Content-Security-Policy a wasm page can live with to COOP/COEP. Only the folders
// below are served, so a test cannot depend on anything the package does not ship.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const served = ['dist/', 'test/pages/', 'test/models/out/', 'test/fixtures/', 'bench/'];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const headersByMode = {
  coi: isolation,
  plain: {},
  csp: {
    ...isolation,
    'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'",
  },
};

/**
 * `cache: true` lets the browser keep what it fetched (the bench's warm-start metric needs a second
 * page load to hit the HTTP cache); by default every response is `no-store`, as the tests expect.
 */
export function startServer(port = Number(process.env.PORT ?? 4173), { cache = false } = {}) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, mode, ...parts] = url.pathname.split('/');
    // `/<mode>/__truncated/<path>` announces the file's full length, sends half, and hangs up.
    const truncated = parts[0] === '__truncated';
    const rest = truncated ? parts.slice(1) : parts;
    const path = normalize(rest.join('/'));
    const file = join(root, path);
    let size = -1;
    try {
      size = statSync(file).isFile() ? statSync(file).size : -1;
    } catch {}
    if (!Object.hasOwn(headersByMode, mode) || !served.some((dir) => path.startsWith(dir)) || size < 0) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    response.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': cache ? 'public, max-age=3600' : 'no-store',
      ...headersByMode[mode],
    });
    if (truncated) {
      const half = readFileSync(file).subarray(0, Math.floor(size / 2));
      response.write(half, () => response.socket?.destroy());
      return;
    }
    createReadStream(file).pipe(response);
  });
  return new Promise((done) => server.listen(port, '127.0.0.1', () => done(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer();
  console.log(`serving ${root} on http://127.0.0.1:${server.address().port}/{coi,plain,csp}/`);
}
