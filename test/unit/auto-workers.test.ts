import { describe, expect, it } from 'vitest';
import { autoWorkers, minRunMsForReplicas, replicaBytesBudget, type WorkerFacts } from '../../src/page/auto-workers.js';

// A slow model on WASM in a plain page of a 4-core device: the case that gets replicas.
const plain: WorkerFacts = {
  backend: 'wasm',
  crossOriginIsolated: false,
  cores: 4,
  maxWorkers: 8,
  modelBytes: 5 * 2 ** 20,
  runMs: 3,
  fromBytes: false,
};

describe("workers: 'auto'", () => {
  it('gives a model whose run takes milliseconds one worker per core on a plain page', () => {
    expect(autoWorkers(plain)).toEqual({
      count: 4,
      reason: '4 workers: a single-row run takes 3.00 ms, 4 cores, page not cross-origin isolated',
    });
  });

  it.each<[string, Partial<WorkerFacts>, string]>([
    ['WebGPU', { backend: 'webgpu' }, 'one GPU'],
    ['an isolated page (threads)', { crossOriginIsolated: true }, 'WASM threads already use the cores'],
    ['a model given as bytes', { fromBytes: true }, 'pass workers: N'],
    ['one core', { cores: 1 }, '1 core(s)'],
    ['a pool capped at 1', { maxWorkers: 1 }, 'at most 1 worker(s)'],
    ['a run time not measured', { runMs: undefined }, 'could not be measured'],
    ['a run shorter than the threshold', { runMs: minRunMsForReplicas / 2 }, 'too short'],
    ['a model too large for two copies', { modelBytes: replicaBytesBudget * 0.6 }, 'budget'],
  ])('keeps one worker for %s, and says why', (_, facts, why) => {
    const choice = autoWorkers({ ...plain, ...facts });
    expect(choice.count).toBe(1);
    expect(choice.reason).toContain(why);
  });

  it('caps replicas by the pool and by the weights all copies may hold', () => {
    expect(autoWorkers({ ...plain, maxWorkers: 2 }).count).toBe(2);
    expect(autoWorkers({ ...plain, modelBytes: replicaBytesBudget / 3 }).count).toBe(3);
  });
});
