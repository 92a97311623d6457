import { expose } from 'comlink';
import { installErrorTransfer } from '../shared/comlink-errors.js';
import { loadEngine } from './engines/load-engine.js';
import { Host } from './host.js';
import type { Tasks } from './tasks.js';

export type { Task, TaskContext, TaskModel, Tasks } from './tasks.js';

/** What an app's worker serves beside webinfer's models. */
export interface App<T extends Tasks = Tasks> {
  /** App code run in the worker by name (`app.run(name, input)` on the page). */
  tasks?: T;
}

/**
 * Makes this worker a webinfer worker: the page's `connect(worker)` (or the SDK itself, for its own
 * worker) then loads models into it and runs `tasks` beside them. Call it once, at the top of the
 * worker's entry module.
 */
export function serve<T extends Tasks>(app: App<T> = {}): void {
  installErrorTransfer();
  expose(new Host(loadEngine, app.tasks ?? {}));
}
