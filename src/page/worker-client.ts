import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { installErrorTransfer } from '../shared/comlink-errors.js';
import { WorkerCrashedError, messageOf } from '../shared/errors.js';
import type { HostApi } from '../shared/protocol.js';
import { ReplyRouter } from './replies.js';
import { servingEndpoint } from './serving-endpoint.js';
import { startWatchdog } from './watchdog.js';

export interface WorkerClient {
  host: Remote<HostApi>;
  /** Rejecters of the calls in flight: a dying worker rejects them all, so that none waits forever. */
  pending: Set<(error: WorkerCrashedError) => void>;
  /** Where the worker answers the calls of a burst run by run. */
  replies: ReplyRouter;
  /** Set once the worker has died: the next call must start a fresh one. */
  death: WorkerCrashedError | undefined;
  /** Ends the worker on purpose (the pool retires an idle one); anything still on it rejects with `why`. */
  stop(why: string): void;
}

/**
 * Learns when the worker dies, whatever the cause: the worker holds a Web Lock for its whole life and
 * the page queues for the same lock, which the browser grants only when the worker's context is gone.
 * An `error` event alone misses a worker killed by the browser or one that closed itself.
 */
async function watchLifetime(host: Remote<HostApi>, onStarted: () => void, onDeath: () => void): Promise<void> {
  if (typeof navigator.locks?.request !== 'function') return;
  const name = `webinfer-worker-${crypto.randomUUID()}`;
  await host.holdLock(name);
  onStarted();
  await navigator.locks.request(name, onDeath);
}

/** Where a worker comes from: how to start one, and how errors name it. */
export interface WorkerSource {
  create(): Worker;
  /** Names the worker in errors ("the webinfer worker …", "the app's worker"). */
  name: string;
  /** Said after a worker that could not start: what to check. */
  hint: string;
  /** Says why a worker could not start, from what `create` threw. */
  explain(cause: unknown): string;
}

/**
 * The SDK's own worker, in `baseUrl` or bundled. The ES module build starts it with a literal
 * `new Worker(new URL('./webinfer.worker.js', import.meta.url), …)`: the one form Vite and webpack
 * find and bundle without configuration.
 */
export function sdkWorker(baseUrl: URL | undefined, workerUrl: string): WorkerSource {
  return {
    create: () =>
      baseUrl === undefined
        ? new Worker(new URL('./webinfer.worker.js', import.meta.url), { type: 'module', name: 'webinfer' })
        : new Worker(new URL('webinfer.worker.js', baseUrl), { type: 'module', name: 'webinfer' }),
    name: `the webinfer worker ${workerUrl}`,
    hint: baseUrl === undefined ? '; did the bundler copy it (README, Bundlers)?' : '; check the baseUrl option',
    // Chromium throws a SecurityError at once for a worker script on another origin.
    explain: (cause) =>
      baseUrl === undefined || baseUrl.origin === location.origin
        ? messageOf(cause)
        : `a worker script must come from the page's own origin (${location.origin})`,
  };
}

/** Starts a worker from `source`; `onDeath` hears once when it dies or is stopped. */
export function startWorker(source: WorkerSource, onDeath: () => void): WorkerClient {
  installErrorTransfer();
  const { name, hint } = source;
  let worker: Worker;
  try {
    worker = source.create();
  } catch (cause) {
    throw new WorkerCrashedError(`${name} could not start: ${source.explain(cause)}${hint}`, { cause });
  }
  const host = wrap<HostApi>(servingEndpoint(worker));
  const client: WorkerClient = {
    host,
    pending: new Set(),
    replies: new ReplyRouter(),
    death: undefined,
    stop: (why) => die(why),
  };
  host.replyOn(transfer(client.replies.port, [client.replies.port])).catch(() => undefined);
  const die = (detail: string): void => {
    if (client.death !== undefined) return;
    client.death = new WorkerCrashedError(`${name} stopped: ${detail}`);
    onDeath();
    worker.terminate();
    client.replies.close(client.death);
    host[releaseProxy]();
    for (const reject of client.pending) reject(client.death);
    client.pending.clear();
  };
  // Before it answers, an error means the worker could not start. Once running, an uncaught error
  // (logged by the browser) does not stop it, and the lock tells if it dies.
  let started = false;
  worker.addEventListener('error', (event) => {
    if (started) return;
    const detail = event instanceof ErrorEvent && event.message ? event.message : 'its script failed to load or run';
    die(`${detail}${hint}`);
  });
  const watchdog = startWatchdog((detail) =>
    die(
      `its watchdog stopped it: ${detail} (maxRunMs, or the caller's timeoutMs plus 1 s); the calls on it were ` +
        `lost, and its models reload on their next call`,
    ),
  );
  host.watch(transfer(watchdog, [watchdog])).catch(() => undefined);
  const onStarted = () => (started = true);
  watchLifetime(host, onStarted, () => die('it was closed, killed by the browser, or ran out of memory')).catch(
    () => undefined,
  );
  return client;
}

/**
 * Settles like `call`, or rejects with WorkerCrashedError if the worker dies first. (Racing each call
 * against one never-settling "died" promise would pile a reaction onto it per call: a leak.)
 */
export function viaWorker<T>(client: WorkerClient, call: Promise<T>): Promise<T> {
  if (client.death !== undefined) return Promise.reject(client.death);
  return new Promise<T>((resolve, reject) => {
    client.pending.add(reject);
    call.then(resolve, reject).finally(() => client.pending.delete(reject));
  });
}
