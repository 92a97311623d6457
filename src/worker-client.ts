import { wrap, type Remote } from 'comlink';
import { installErrorTransfer } from './comlink-errors.js';
import { WorkerCrashedError } from './errors.js';
import type { HostApi } from './protocol.js';

export interface WorkerClient {
  host: Remote<HostApi>;
  /** Rejects when the worker fails; every call races it so that none can wait forever. */
  failed: Promise<never>;
}

const clients = new Map<string, WorkerClient>();

function startWorker(workerUrl: string): WorkerClient {
  installErrorTransfer();
  const worker = new Worker(workerUrl, { type: 'module', name: 'webinfer' });
  const failed = new Promise<never>((_, reject) => {
    // Comlink alone would leave calls pending forever when the worker never starts or dies.
    worker.addEventListener('error', (event) => {
      clients.delete(workerUrl);
      worker.terminate();
      const detail = event instanceof ErrorEvent && event.message ? event.message : 'the script failed to load or run';
      reject(new WorkerCrashedError(`the webinfer worker ${workerUrl} failed: ${detail}; check the baseUrl option`));
    });
  });
  failed.catch(() => undefined);
  return { host: wrap<HostApi>(worker), failed };
}

/** One worker per SDK location, shared by every model loaded from it, started on first use. */
export function workerFor(baseUrl: URL): WorkerClient {
  const workerUrl = new URL('webinfer.worker.js', baseUrl).href;
  let client = clients.get(workerUrl);
  if (client === undefined) {
    client = startWorker(workerUrl);
    clients.set(workerUrl, client);
  }
  return client;
}

export function viaWorker<T>(client: WorkerClient, call: Promise<T>): Promise<T> {
  return Promise.race([call, client.failed]);
}
