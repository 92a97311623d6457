// Static server for the browser tests and benchmarks. `/coi/<path>` serves <path> with COOP/COEP
// (a cross-origin isolated page: WASM threads); `/plain/<path>` serves it without; `/csp/<path>` adds
// the strictest Content-Security-Policy a wasm page can live with to COOP/COEP. Only the folders
// below are served, so a test cannot depend on anything the package does not ship.
//
// Plain routes send ETag and Last-Modified, and answer a matching If-None-Match with 304.
//
// Faults: `/<mode>/__fault/<spec>/<path>` serves <path> badly, as a flaky server or proxy would.
// <spec> is `<kind>[@<end>][~<key>]`: the fault hits only files whose name ends with <end> (others
// are served as usual, so a `baseUrl` can point here and break one runtime file); `~<key>` only makes
// the URL unique, so that a `…once` fault is fresh for each test. Kinds (add `once` to fault only the
// first request of each URL, then serve it normally):
//   stall      no headers, ever          stallbody  headers and half the body, then silence
//   cut        half the body, no Content-Length, a clean end: looks complete
//   short      half the body with a matching Content-Length: a complete, too-short file
//   json200    a JSON error body with status 200          500  HTTP 500
//   reset      the connection is dropped before any answer (the browser says 'Failed to fetch')
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Comlink's own build: the bench's hot-path figures time a bare Comlink round trip beside webinfer's.
const served = ['dist/', 'test/pages/', 'test/models/out/', 'test/fixtures/', 'bench/', 'node_modules/comlink/dist/'];
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

// URLs whose `…once` fault has been served: from then on they are served normally.
const faulted = new Set();

/** The fault to inject for a request under `__fault/<spec>/`, or undefined to serve it normally. */
function faultFor(spec, pathname, name) {
  const match = /^([a-z0-9]+?)(once)?(?:@([^~]+))?(?:~.*)?$/.exec(spec);
  if (match === null) return undefined;
  const [, kind, once, only] = match;
  if (only !== undefined && !name.endsWith(only)) return undefined;
  if (once !== undefined) {
    if (faulted.has(pathname)) return undefined;
    faulted.add(pathname);
  }
  return kind;
}

/** Serves `file` with the fault `kind`; false for an unknown kind (then it is served normally). */
function serveFault(kind, file, size, response, modeHeaders) {
  const half = () => readFileSync(file).subarray(0, Math.floor(size / 2));
  const head = (status, headers) =>
    response.writeHead(status, { 'Cache-Control': 'no-store', ...modeHeaders, ...headers });
  const type = { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' };
  switch (kind) {
    case 'stall':
      return true; // the socket stays open until the client gives up
    case 'stallbody':
      head(200, { ...type, 'Content-Length': size }).write(half());
      return true;
    case 'cut':
      head(200, type).end(half());
      return true;
    case 'short': {
      const bytes = half();
      head(200, { ...type, 'Content-Length': bytes.byteLength }).end(bytes);
      return true;
    }
    case 'json200':
      head(200, { 'Content-Type': 'application/json' }).end('{"error":"model storage is over quota, try again later"}');
      return true;
    case '500':
      head(500, { 'Content-Type': 'text/plain' }).end('internal server error');
      return true;
    case 'reset':
      response.socket?.destroy();
      return true;
    default:
      return false;
  }
}

/** The validators of a file as it is now: a changed file gets a new ETag. */
function validatorsOf(stats) {
  return {
    ETag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    'Last-Modified': stats.mtime.toUTCString(),
  };
}

/** Whether `If-None-Match` (a list of tags, or `*`) names `etag`: then the client's copy is current. */
function notModified(request, etag) {
  const asked = request.headers['if-none-match'];
  if (asked === undefined) return false;
  return asked.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag);
}

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
    const fault = parts[0] === '__fault' ? faultFor(parts[1] ?? '', url.pathname, parts.at(-1) ?? '') : undefined;
    const rest = truncated ? parts.slice(1) : parts[0] === '__fault' ? parts.slice(2) : parts;
    const path = normalize(rest.join('/'));
    const file = join(root, path);
    let size = -1;
    let stats;
    try {
      stats = statSync(file);
      size = stats.isFile() ? stats.size : -1;
    } catch {}
    if (!Object.hasOwn(headersByMode, mode) || !served.some((dir) => path.startsWith(dir)) || size < 0) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    if (fault !== undefined && serveFault(fault, file, size, response, headersByMode[mode])) return;
    // Validators let `cache: 'revalidate'` get a 304. Fault and truncation routes keep answering as
    // they always did (no validators, never 304), so each fault stays the fault it names.
    const validators = truncated || parts[0] === '__fault' ? {} : validatorsOf(stats);
    const cacheControl = cache ? 'public, max-age=3600' : 'no-store';
    if (validators.ETag !== undefined && notModified(request, validators.ETag)) {
      response.writeHead(304, { ...validators, 'Cache-Control': cacheControl, ...headersByMode[mode] }).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': cacheControl,
      ...validators,
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
