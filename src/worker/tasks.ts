import { AbortError, InputError, messageOf, TaskError, WebinferError } from '../shared/errors.js';
import { isResident, type ResidentTensor, type ResidentTensors } from './engines/engine.js';
import type { Backend, TensorInfo, Tensors } from '../shared/types.js';

/** One of the app's models as a task sees it: run it on feeds, in the worker, with no copy to the page. */
export interface TaskModel {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The backend it runs on now ('webgpu', 'wasm'). */
  readonly backend: Backend;
  /**
   * Runs the model on `feeds`, queued with its other calls (the page's predicts, other tasks' runs)
   * and coalesced with them where the model allows. Its outputs are the task's to keep or pass on.
   * A feed may be a GpuTensor another model left on the GPU (that run is not coalesced).
   */
  run(feeds: Tensors | TaskFeeds): Promise<Tensors>;
  /**
   * The same, its outputs left in GPU memory where the model runs on WebGPU (elsewhere they are
   * ordinary tensors): feed them to the next model with no trip through the CPU, or `download()`
   * one. Whatever a task leaves on the GPU is disposed when the task ends.
   */
  run(feeds: Tensors | TaskFeeds, options: { keep: 'gpu' }): Promise<TaskFeeds>;
}

/** A tensor a model's run left in GPU memory (WebGPU): see TaskModel.run's `keep: 'gpu'`. */
export type GpuTensor = ResidentTensor;

/** Feeds or outputs of which some may be GpuTensors. */
export type TaskFeeds = ResidentTensors;

/** What a task gets beside its input. */
export interface TaskContext {
  /** The models the page connected with, by the names it gave them. */
  models: Readonly<Record<string, TaskModel>>;
  /** Fires when the caller aborts or its timeoutMs passes: stop, and let the run reject. */
  signal: AbortSignal;
}

/**
 * App code that runs in the worker beside its models. It takes the page's input (typed arrays and
 * ImageBitmaps arrive transferred), and what it returns goes back to the page, its whole-buffer
 * typed arrays transferred. `input: never` in the constraint lets each task declare its own input type.
 */
export type Task = (input: never, context: TaskContext) => unknown;

/** The tasks an app's worker serves, by name. */
export type Tasks = Record<string, Task>;

/**
 * A task's failure as the page sees it: webinfer's errors keep their class and context, with the
 * task named; anything else the app threw becomes a TaskError carrying its message.
 */
export function taskFailure(task: string, thrown: unknown, signal: AbortSignal): WebinferError {
  if (signal.aborted && !(thrown instanceof WebinferError)) {
    return new AbortError(`task '${task}' was aborted: ${messageOf(signal.reason)}`);
  }
  if (!(thrown instanceof WebinferError)) return new TaskError(`task '${task}' failed: ${messageOf(thrown)}`);
  const Class = thrown.constructor as new (message: string, context: object) => WebinferError;
  const { input, output, source, backend, option } = thrown;
  return new Class(`task '${task}': ${thrown.message}`, { input, output, source, backend, option, cause: thrown });
}

/** The first GPU tensor in a task's result: it cannot cross to the page (download() it first). */
export function gpuTensorIn(value: unknown, seen = new Set<object>()): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value) || ArrayBuffer.isView(value)) return undefined;
  seen.add(value);
  for (const [key, field] of Object.entries(value)) {
    if (isResident(field)) return key;
    const inner = gpuTensorIn(field, seen);
    if (inner !== undefined) return `${key}.${inner}`;
  }
  return undefined;
}

/** The task of that name, or an InputError listing those the worker serves. */
export function taskNamed(tasks: Tasks, name: string): Task {
  const task = Object.hasOwn(tasks, name) ? tasks[name] : undefined;
  if (typeof task === 'function') return task;
  const served = Object.keys(tasks);
  throw new InputError(
    `this worker serves no task '${name}'; it serves ${served.length === 0 ? 'none' : served.map((n) => `'${n}'`).join(', ')}`,
  );
}
