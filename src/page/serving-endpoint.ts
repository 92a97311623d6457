import type { Endpoint } from 'comlink';
import { isServingMessage } from '../shared/serving.js';

/**
 * The worker as Comlink's endpoint, holding back what the page sends until the worker says it is
 * serving. A message that reaches a worker before its entry has called `serve()` is lost for good,
 * and an app's entry may await things (a dictionary, a config) before it does.
 */
export function servingEndpoint(worker: Worker): Endpoint {
  let held: Array<[message: unknown, transfer: Transferable[]]> | undefined = [];
  const onMessage = ({ data }: MessageEvent) => {
    if (!isServingMessage(data) || held === undefined) return;
    worker.removeEventListener('message', onMessage);
    for (const [message, transfer] of held) worker.postMessage(message, transfer);
    held = undefined;
  };
  worker.addEventListener('message', onMessage);
  return {
    postMessage: (message: unknown, transfer: Transferable[] = []) => {
      if (held === undefined) worker.postMessage(message, transfer);
      else held.push([message, transfer]);
    },
    addEventListener: worker.addEventListener.bind(worker),
    removeEventListener: worker.removeEventListener.bind(worker),
  };
}
