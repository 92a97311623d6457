import { aPositiveInteger, checkOptions, milliseconds, type OptionCheck } from './option-checks.js';
import { type PoolSettings, poolSettings } from './worker-pool.js';

const checks: Readonly<Record<keyof PoolSettings, OptionCheck>> = {
  maxWorkers: aPositiveInteger,
  idleWorkerMs: milliseconds('zero allowed'),
};

/**
 * Sets the bounds of webinfer's worker pool, for the loads that follow (workers already running are
 * kept): `maxWorkers`, the most workers every model's replicas share (default: the device's cores, at
 * most 8), and `idleWorkerMs`, how long a worker left with no model lives on (default 30000).
 * Returns the settings now in force.
 */
export function configure(options: Partial<PoolSettings> = {}): PoolSettings {
  checkOptions(options, checks, { call: 'configure', option: '' });
  Object.assign(poolSettings, Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)));
  return { ...poolSettings };
}
