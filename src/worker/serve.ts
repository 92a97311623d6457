import { expose } from 'comlink';
import { installErrorTransfer } from '../shared/comlink-errors.js';
import { servingMessage } from '../shared/serving.js';
import { loadEngine } from './engines/load-engine.js';
import { Host } from './host.js';
import type { Tasks } from './tasks.js';

export type { GpuTensor, Task, TaskContext, TaskFeeds, TaskModel, Tasks } from './tasks.js';

/** What an app's worker serves beside webinfer's models. */
export interface ServeOptions<T extends Tasks = Tasks> {
  /** App code run in the worker by name (`app.run(name, input)` on the page). */
  tasks?: T;
}

/**
 * Makes this worker a webinfer worker: the page's `connect(worker)` (or the SDK itself, for its own
 * worker) then loads models into it and runs `tasks` beside them. Call it once, in the worker's
 * entry module; what the page sends meanwhile waits for it.
 */
export function serve<T extends Tasks>(app: ServeOptions<T> = {}): void {
  installErrorTransfer();
  expose(new Host(loadEngine, app.tasks ?? {}));
  // The page holds back its messages until now: any sent earlier would have found no listener.
  self.postMessage(servingMessage);
}
