import type { Backend } from '../shared/types.js';

/** What `workers: 'auto'` decides from: all known on the page once the first replica has loaded. */
export interface WorkerFacts {
  backend: Backend;
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency`. */
  cores: number;
  /** The pool's cap (`configure({ maxWorkers })`). */
  maxWorkers: number;
  /** The model's file bytes: each replica holds a copy of its weights. */
  modelBytes: number;
  /** One warm single-row run, ms; undefined when it could not be measured. */
  runMs: number | undefined;
  /** A model given as bytes was handed to one worker: another would need a page-side copy. */
  fromBytes: boolean;
}

export interface WorkerChoice {
  count: number;
  reason: string;
}

/** Below this, a single-row run costs less than the messages a second worker adds (see README, Workers). */
export const minRunMsForReplicas = 1;
/** The weights all replicas of one model may hold together. */
export const replicaBytesBudget = 512 * 2 ** 20;

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const one = (reason: string): WorkerChoice => ({ count: 1, reason: `1 worker: ${reason}` });

/**
 * `workers: 'auto'`: replicas only where they buy throughput. Each rule names the fact it rests on,
 * so that `model.workersReason` tells a user why.
 */
export function autoWorkers(facts: WorkerFacts): WorkerChoice {
  if (facts.backend === 'webgpu') return one('on WebGPU every worker would share the one GPU');
  if (facts.crossOriginIsolated) return one('the page is cross-origin isolated, so WASM threads already use the cores');
  if (facts.fromBytes) return one('a model given as bytes goes to one worker (pass workers: N to copy it to more)');
  const cores = Math.min(facts.cores, facts.maxWorkers);
  if (cores < 2) return one(`${facts.cores} core(s), at most ${facts.maxWorkers} worker(s)`);
  if (facts.runMs === undefined) return one('its run time could not be measured on made-up input');
  if (facts.runMs < minRunMsForReplicas) {
    return one(`a single-row run takes ${ms(facts.runMs)}, too short for a second worker to pay off`);
  }
  const count = Math.min(cores, Math.floor(replicaBytesBudget / Math.max(1, facts.modelBytes)));
  if (count < 2)
    return one(`a second copy of its ${mb(facts.modelBytes)} would pass the ${mb(replicaBytesBudget)} budget`);
  return {
    count,
    reason: `${count} workers: a single-row run takes ${ms(facts.runMs)}, ${facts.cores} cores, page not cross-origin isolated`,
  };
}
