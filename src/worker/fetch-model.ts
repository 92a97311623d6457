import { LoadError } from '../errors.js';
import type { ProgressSink } from '../protocol.js';

function looksLikeHtml(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 64)).trimStart();
  return text.startsWith('<');
}

async function readBody(response: Response, url: string, onProgress: ProgressSink | undefined): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  // A compressed response's Content-Length counts encoded bytes, not the bytes we read.
  const total = header !== null && response.headers.get('content-encoding') === null ? Number(header) : undefined;
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ phase: 'download', loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.({ phase: 'download', loaded, total });
  }
  if (total !== undefined && loaded < total) {
    throw new LoadError(`model ${url} is truncated: received ${loaded} of ${total} bytes`, { source: url });
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Downloads a model in the worker, reporting progress, with errors that name the URL and the fault. */
export async function fetchModel(url: string, onProgress: ProgressSink | undefined): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new LoadError(`could not fetch model ${url}: ${String(cause)}`, { source: url, cause });
  }
  if (!response.ok) {
    throw new LoadError(`could not fetch model ${url}: HTTP ${response.status} ${response.statusText}`.trim(), {
      source: url,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBody(response, url, onProgress);
  } catch (cause) {
    if (cause instanceof LoadError) throw cause;
    throw new LoadError(`model ${url} failed while downloading: ${String(cause)}`, { source: url, cause });
  }
  if (bytes.byteLength === 0) throw new LoadError(`model ${url} is empty (0 bytes)`, { source: url });
  if (looksLikeHtml(bytes)) {
    throw new LoadError(
      `model ${url} is an HTML page, not a model: the server answered this URL with a page (a wrong path, or a dev server's fallback)`,
      { source: url },
    );
  }
  return bytes;
}
