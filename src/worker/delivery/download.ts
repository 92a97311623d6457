// One HTTP download in the worker: streamed, with byte progress, and with errors that name the URL
// and say what went wrong (status, network, a body cut short, a server that stopped sending).
import { AbortError, LoadError, messageOf } from '../../shared/errors.js';
import { Stall } from './stall.js';

export interface DownloadOptions {
  /** What the file is, for messages: 'model', 'onnxruntime-web runtime file'. */
  what: string;
  /** Called with monotonic byte counts; the last call has loaded === total === the file size. */
  onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
  /** The tag of a cached copy: sent as If-None-Match / If-Modified-Since so the server may say 304. */
  revalidate?: string | undefined;
  /** Appended to HTTP error messages: the likely fix. */
  hint?: string | undefined;
  /** Aborts the request (the load was cancelled): the download rejects with AbortError. */
  signal?: AbortSignal | undefined;
  /** Fails the download when no headers or bytes arrive for this long, and closes the connection. */
  stallTimeoutMs: number;
}

export interface Downloaded {
  bytes: Uint8Array;
  /** What identifies this content on the server: `etag:…`, `modified:…`, or `none`. */
  tag: string;
}

function tagOf(response: Response): string {
  const etag = response.headers.get('etag');
  if (etag !== null) return `etag:${etag}`;
  const modified = response.headers.get('last-modified');
  return modified !== null ? `modified:${modified}` : 'none';
}

function conditionalHeaders(tag: string | undefined): HeadersInit {
  if (tag?.startsWith('etag:')) return { 'If-None-Match': tag.slice('etag:'.length) };
  if (tag?.startsWith('modified:')) return { 'If-Modified-Since': tag.slice('modified:'.length) };
  return {};
}

function join(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** What to check when the browser says only 'Failed to fetch', which it says for many causes. */
function networkHint(url: string): string {
  const crossOrigin = new URL(url).origin !== self.location.origin;
  const cors = crossOrigin
    ? `; ${new URL(url).origin} is another origin, so it must send CORS headers (Access-Control-Allow-Origin)`
    : '';
  return (
    `check that the server is reachable${cors}; a broken compressed (gzip/br) body or a redirect loop fail ` +
    `this way too`
  );
}

/** The error for a failure of the request or its body: a stall, a cancellation, or the network. */
function failure(url: string, options: DownloadOptions, stall: Stall, cause: unknown, doing: string): Error {
  if (stall.stalled) {
    return new LoadError(
      `${options.what} ${url} stalled: no data for ${stall.timeoutMs} ms while ${doing} (stallTimeoutMs), so ` +
        `the download was aborted; is the server overloaded or stuck?`,
      { source: url, cause },
    );
  }
  if (options.signal?.aborted)
    return new AbortError(`the download of ${url} was cancelled with its load`, { source: url, cause });
  return new LoadError(`could not fetch ${options.what} ${url}: ${messageOf(cause)}; ${networkHint(url)}`, {
    source: url,
    cause,
  });
}

async function readBody(response: Response, url: string, options: DownloadOptions, stall: Stall): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  // A compressed response's Content-Length counts encoded bytes, not the bytes we read.
  const total = header !== null && response.headers.get('content-encoding') === null ? Number(header) : undefined;
  const report = options.onProgress ?? (() => undefined);
  const truncated = (loaded: number, cause?: unknown): LoadError =>
    new LoadError(
      `${options.what} ${url} is truncated: received ${loaded} of ${total} bytes before the connection closed`,
      { source: url, cause },
    );
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  report(loaded, total);
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      if (stall.stalled || options.signal?.aborted)
        throw failure(url, options, stall, cause, `reading the body (${loaded} bytes in)`);
      // Chromium fails the stream (ERR_CONTENT_LENGTH_MISMATCH) when the body is cut short.
      if (total !== undefined && loaded < total) throw truncated(loaded, cause);
      throw new LoadError(`${options.what} ${url} failed while downloading: ${messageOf(cause)}; ${networkHint(url)}`, {
        source: url,
        cause,
      });
    }
    stall.progressed();
    if (chunk.done) break;
    chunks.push(chunk.value);
    loaded += chunk.value.byteLength;
    report(loaded, total);
  }
  if (total !== undefined && loaded < total) throw truncated(loaded);
  // Without a usable Content-Length, the size is known only now: say it, so progress ends at 100%.
  if (total !== loaded) report(loaded, loaded);
  return join(chunks, loaded);
}

/**
 * Downloads `url`; resolves with 'not-modified' when a revalidation got 304. Aborting the signal, or
 * a stall, aborts the fetch itself, so that the browser closes the connection.
 */
export async function download(url: string, options: DownloadOptions): Promise<Downloaded | 'not-modified'> {
  const stall = new Stall(options.stallTimeoutMs, options.signal);
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers: conditionalHeaders(options.revalidate), signal: stall.signal });
    } catch (cause) {
      throw failure(url, options, stall, cause, 'waiting for the response headers');
    }
    stall.progressed();
    if (response.status === 304 && options.revalidate !== undefined) return 'not-modified';
    if (!response.ok) {
      void response.body?.cancel(); // release the connection: the body is not wanted
      const status = `HTTP ${response.status} ${response.statusText}`.trim();
      throw new LoadError(`could not fetch ${options.what} ${url}: ${status}${options.hint ?? ''}`, { source: url });
    }
    return { bytes: await readBody(response, url, options, stall), tag: tagOf(response) };
  } finally {
    stall.stop();
  }
}
