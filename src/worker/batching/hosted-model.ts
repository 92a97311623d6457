import { InferenceError, messageOf } from '../../shared/errors.js';
import type { LoadRequest, ModelStats } from '../../shared/protocol.js';
import { concatRows, rowsOf, splitRows } from './rows.js';
import type { Tensors } from '../../shared/types.js';
import { declaredBatching, probeBatching } from './batch-safety.js';
import { BatchTuner } from './batch-tuner.js';
import { Batcher, type RunBatch } from './batcher.js';
import type { Engine, ResidentTensors } from '../engines/engine.js';
import { timeOf } from '../time-run.js';
import { RunLog } from './run-log.js';
import { absoluteNow } from '../../shared/clock.js';

/** A loaded engine with its queue of requests and its counters. */
export interface BatchedModel {
  engine: Engine;
  batcher: Batcher<Tensors, Tensors>;
  stats: ModelStats;
  /** Which run served each request, and recent run and queue times. */
  log: RunLog;
  /** Runs `feeds` alone, in turn with the callers' runs, uncounted; resolves with the engine's time (ms). */
  timeAlone(feeds: Tensors): Promise<number>;
  /**
   * Runs feeds of which some may be GPU-resident, alone, in turn with the callers' runs (see
   * Engine.runResident; only for an engine that has it); `keep` leaves the outputs on the GPU.
   * Counted in stats like a predict.
   */
  runResident(feeds: ResidentTensors, keep: boolean, callId?: number): Promise<ResidentTensors>;
}

type Run = RunBatch<Tensors, Tensors>;

function batchKey(feeds: Tensors): string | null {
  const tensors = Object.values(feeds);
  const rows = rowsOf(feeds);
  if (tensors.some((tensor) => tensor.dims[0] !== rows)) return null;
  return tensors.map((tensor) => `${tensor.dtype}[${tensor.dims.slice(1).join(',')}]`).join(';');
}

/**
 * Puts a batcher in front of `engine`. Requests coalesce only once the model is known to compute each
 * row on its own (see batch-safety.ts); until a probe has shown it, at the first run that would
 * coalesce, and for good if it failed, a run of several requests runs them one by one. `wrap` lets the
 * host watch each run.
 */
export function hostModel(
  engine: Engine,
  batch: LoadRequest['batch'],
  wrap: (run: Run) => Run = (run) => run,
): BatchedModel {
  const declared = declaredBatching(engine, batch);
  const stats: ModelStats = { runs: 0, requests: 0, largestRun: 0, batching: declared.status };
  let mayCoalesce = declared.probe || declared.status.coalesces;
  let verdict: Promise<boolean> | undefined = declared.probe ? undefined : Promise.resolve(declared.status.coalesces);
  const tuner = new BatchTuner(batch.maxSize);
  /** Feeds queued by timeAlone, and then their engine time. */
  const alone = new WeakMap<Tensors, number | undefined>();

  // The probe runs inside a batcher run, so it never overlaps a caller's run on the engine.
  const rowsIndependent = (template: Tensors): Promise<boolean> =>
    (verdict ??= probeBatching((feeds) => engine.run(feeds), template).then((status) => {
      stats.batching = status;
      mayCoalesce = status.coalesces;
      return status.coalesces;
    }));

  /** Feeds queued by runResident, and whether their outputs stay on the GPU. */
  const resident = new WeakMap<Tensors, boolean>();

  const log = new RunLog();

  const timed = async (
    requests: readonly Tensors[],
    feeds: Tensors,
    runOn: (feeds: Tensors) => Promise<Tensors> = (all) => engine.run(all),
  ): Promise<Tensors> => {
    stats.runs += 1;
    stats.requests += requests.length;
    stats.largestRun = Math.max(stats.largestRun, requests.length);
    const runStart = absoluteNow();
    const outputs = await runOn(feeds);
    const runEnd = absoluteNow();
    const runRows = requests.reduce((sum, request) => sum + rowsOf(request), 0);
    tuner.record(runRows, runEnd - runStart);
    log.record(requests, { runStart, runEnd, runRows, runRequests: requests.length });
    return outputs;
  };

  const runTogether = async (requests: Tensors[]): Promise<Tensors[]> => {
    const outputs = await timed(requests, concatRows(requests));
    try {
      return splitRows(outputs, requests.map(rowsOf));
    } catch (cause) {
      throw new InferenceError(`could not split a batched run: ${messageOf(cause)}`, { cause });
    }
  };

  const run = async (requests: Tensors[]): Promise<Tensors[]> => {
    const [first] = requests as [Tensors, ...Tensors[]];
    if (alone.has(first)) {
      alone.set(first, await timeOf(() => engine.run(first)));
      return [{}];
    }
    const keep = resident.get(first);
    const runResident = engine.runResident;
    if (keep !== undefined && runResident !== undefined) {
      return [await timed(requests, first, (feeds) => runResident(feeds, keep) as Promise<Tensors>)];
    }
    if (requests.length === 1) return [await timed(requests, first)];
    if (await rowsIndependent(requests[0] as Tensors)) return runTogether(requests);
    const results: Tensors[] = [];
    for (const request of requests) results.push(await timed([request], request));
    return results;
  };

  const batcher = new Batcher(wrap(run), {
    ...batch,
    sizeOf: rowsOf,
    keyOf: (feeds) => (mayCoalesce && !alone.has(feeds) && !resident.has(feeds) ? batchKey(feeds) : null),
    limit: (headRows) => tuner.limit(headRows),
  });
  const timeAlone = async (feeds: Tensors): Promise<number> => {
    alone.set(feeds, undefined);
    await batcher.push(feeds);
    return alone.get(feeds) as number;
  };
  const runResident = (feeds: ResidentTensors, keep: boolean, callId?: number): Promise<ResidentTensors> => {
    const queued = feeds as Tensors;
    resident.set(queued, keep);
    return batcher.push(queued, callId);
  };
  return { engine, batcher, stats, log, timeAlone, runResident };
}
