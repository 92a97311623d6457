// load()'s options: every one checked here, on the page, before anything reaches the worker.
import type { LoadRequest } from '../shared/protocol.js';
import type { BatchOptions, LoadOptions } from '../shared/types.js';
import {
  aBoolean,
  aFunction,
  anAbortSignal,
  aPositiveInteger,
  type Aliases,
  checkOptions,
  isPlainObject,
  milliseconds,
  oneOf,
  type OptionCheck,
  optionError,
  rule,
} from './option-checks.js';

/** The backends a load may ask for. The worker's backend rules know the same names (a unit test says so). */
export const backendRequests = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
/** The engines the worker registers (a unit test holds this to the registry). */
export const engineKinds = ['onnx', 'tfjs'] as const;

const batchChecks: Readonly<Record<keyof BatchOptions, OptionCheck>> = {
  maxSize: aPositiveInteger,
  maxDelayMs: milliseconds('zero allowed'),
  trust: aBoolean,
};

const batch: OptionCheck = (value, at) => {
  if (typeof value === 'boolean') return;
  if (!isPlainObject(value)) throw optionError(at, 'true, false or an object { maxSize?, maxDelayMs?, trust? }', value);
  checkOptions(value, batchChecks, { call: at.call, option: `${at.option}.` });
};

const sri = "an SRI string like 'sha256-<base64>'";

// The digests' syntax is checked by the worker, which parses them anyway; here, their shape.
const integrity: OptionCheck = (value, at) => {
  if (typeof value === 'string') return;
  if (!isPlainObject(value)) throw optionError(at, `${sri}, or an object of them keyed by file`, value);
  for (const [file, digest] of Object.entries(value)) {
    if (typeof digest !== 'string') throw optionError({ ...at, option: `${at.option}['${file}']` }, sri, digest);
  }
};

// By brand, not instanceof: a URL made in an iframe is as good.
const urlLike = rule(
  'a URL or a string',
  (value) => typeof value === 'string' || Object.prototype.toString.call(value) === '[object URL]',
);

export const loadChecks: Readonly<Record<keyof LoadOptions, OptionCheck>> = {
  backend: oneOf(backendRequests),
  engine: oneOf(engineKinds),
  onProgress: aFunction,
  batch,
  signal: anAbortSignal,
  timeoutMs: milliseconds('zero allowed'),
  maxRunMs: milliseconds('positive'),
  stallTimeoutMs: milliseconds('positive'),
  onBackendChange: aFunction,
  baseUrl: urlLike,
  numThreads: aPositiveInteger,
  workers: rule(
    "a positive integer or 'auto'",
    (value) => value === 'auto' || (Number.isSafeInteger(value) && Number(value) > 0),
  ),
  integrity,
  cache: oneOf([true, false, 'revalidate']),
  persist: aBoolean,
  onWarning: aFunction,
  probe: rule('true, false or a feeds object', (value) => typeof value === 'boolean' || isPlainObject(value)),
  probeTolerance: rule('a number >= 0', (value) => typeof value === 'number' && value >= 0),
  deterministic: aBoolean,
  probeForTesting: rule('an object', isPlainObject),
};

// Names users bring from the libraries webinfer is often compared with.
const loadAliases: Aliases = {
  device: { option: 'backend', whose: "transformers.js's" },
  executionProviders: { option: 'backend', whose: "onnxruntime-web's" },
};

/**
 * Throws an OptionError for an unknown load option, or one whose value is not allowed, naming it and
 * what it may be: "load option backend must be 'auto', 'webgpu', 'wasm' or 'cpu', got 'gpu'".
 */
export function checkLoadOptions(options: unknown): asserts options is LoadOptions {
  checkOptions(options, loadChecks, { call: 'load', option: '' }, loadAliases);
}

/**
 * `deterministic: true` fixes one thread and no coalescing: asking for more threads or for coalescing
 * beside it is a contradiction, said rather than silently overruled.
 */
export function checkDeterministic(options: LoadOptions): void {
  if (options.deterministic !== true) return;
  if (options.numThreads !== undefined && options.numThreads !== 1) {
    throw optionError(
      { call: 'load', option: 'numThreads' },
      '1 (or left out) with deterministic: true',
      options.numThreads,
    );
  }
  if (options.batch !== undefined && options.batch !== false) {
    throw optionError({ call: 'load', option: 'batch' }, 'false (or left out) with deterministic: true', options.batch);
  }
}

/** `baseUrl` resolved against the page; it must parse. */
export function resolveBaseUrl(baseUrl: string | URL, pageUrl: string): URL {
  try {
    return new URL(baseUrl, pageUrl);
  } catch {
    throw optionError({ call: 'load', option: 'baseUrl' }, 'a valid URL', String(baseUrl));
  }
}

/** The batch option as the worker takes it (already checked). */
export function batchSettings(option: LoadOptions['batch']): LoadRequest['batch'] {
  if (option === false) return { maxSize: 1, maxDelayMs: 0, dim0: 'off' };
  // Defaults by destructuring: a field given as undefined means "not given", as elsewhere.
  const { maxSize = 64, maxDelayMs = 0, trust = false } = option === true ? { trust: true } : (option ?? {});
  return { maxSize, maxDelayMs, dim0: trust ? 'trust' : 'probe' };
}
