// Checks of an options object, shared by load() and the predict calls: unknown names, then each value.
import { OptionError } from '../shared/errors.js';
import { didYouMean } from './did-you-mean.js';

/** The function an option was given to, as messages name it: "load option backend must be …". */
export type Call =
  | 'load'
  | 'predict'
  | 'predictBatch'
  | 'configure'
  | 'connect'
  | 'run'
  | 'stream'
  | 'results'
  | 'transform';

/** Where a value sits: the call, and the option's path as the caller wrote it ('batch.maxSize'). */
export interface OptionAt {
  call: Call;
  option: string;
}

/** Checks one option's value; it is never called for undefined, which means "not given". */
export type OptionCheck = (value: unknown, at: OptionAt) => void;

/** Other libraries' names for an option, and whose they are: the hint an unknown name gets. */
export type Aliases = Readonly<Record<string, { option: string; whose: string }>>;

// setTimeout takes at most 2^31 - 1 ms; a larger delay (Infinity too) fires at once.
const maxTimerMs = 2 ** 31 - 1;

const longest = 60;

/** A value as a message shows it: strings quoted (so 'gpu' reads as given), objects by kind. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > longest ? `${value.slice(0, longest)}…` : value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return 'an Array';
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof kind === 'string' && kind !== 'Object' && kind !== '' ? `a ${kind}` : 'an object';
}

/** "'a', 'b' or 'c'": the allowed values as a message lists them. */
function listOr(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) as string}`;
}

/** "load option batch.maxSize must be a positive integer, got 0". */
export function optionError(at: OptionAt, contract: string, value: unknown): OptionError {
  return new OptionError(`${at.call} option ${at.option} must be ${contract}, got ${describeValue(value)}`, {
    option: at.option,
  });
}

/** A check from the contract, said as it follows "must be", and the test of it. */
export const rule =
  (contract: string, accepts: (value: unknown) => boolean): OptionCheck =>
  (value, at) => {
    if (!accepts(value)) throw optionError(at, contract, value);
  };

export const oneOf = (allowed: readonly unknown[]): OptionCheck => rule(listOr(allowed), (v) => allowed.includes(v));
export const aFunction = rule('a function', (value) => typeof value === 'function');
export const aBoolean = rule('true or false', (value) => typeof value === 'boolean');
export const aPositiveInteger = rule('a positive integer', (value) => Number.isSafeInteger(value) && Number(value) > 0);
// By brand, not instanceof: a signal from an iframe's AbortController is as good.
export const anAbortSignal = rule(
  'an AbortSignal',
  (value) => Object.prototype.toString.call(value) === '[object AbortSignal]',
);

/** A delay for setTimeout; `zero` says whether 0 (at once) makes sense for this option. */
export const milliseconds = (zero: 'zero allowed' | 'positive'): OptionCheck =>
  rule(
    `a number of milliseconds ${zero === 'positive' ? '> 0' : '>= 0'} (at most ${maxTimerMs})`,
    (value) => typeof value === 'number' && (zero === 'positive' ? value > 0 : value >= 0) && value <= maxTimerMs,
  );

/** An object that is not an array or a typed array: an options object, a feeds object, a tensor. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** What follows an unknown name: the option meant, or else the ones there are. */
function hintFor(name: string, known: readonly string[], at: OptionAt, aliases: Aliases): string {
  const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  if (alias !== undefined) return ` (did you mean '${at.option}${alias.option}'? '${name}' is ${alias.whose} name)`;
  const suggestion = didYouMean(name, known);
  if (suggestion !== undefined) return ` (did you mean '${at.option}${suggestion}'?)`;
  const owner = at.option === '' ? at.call : at.option.slice(0, -1);
  // Test hooks work when named, but are not offered.
  return `; ${owner} takes ${known.filter((option) => !option.endsWith('ForTesting')).join(', ')}`;
}

/**
 * Checks an options object: every name must be known (a misspelt name would otherwise be ignored
 * without a word), and every value given must pass its check. `at.option` is the path prefix of a
 * nested object ('batch.'), or ''.
 */
export function checkOptions(
  options: unknown,
  checks: Readonly<Record<string, OptionCheck>>,
  at: OptionAt,
  aliases: Aliases = {},
): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new OptionError(`${at.call} options must be an object, got ${describeValue(options)}`);
  }
  const known = Object.keys(checks);
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(checks, name)) continue;
    const path = `${at.option}${name}`;
    throw new OptionError(`unknown ${at.call} option '${path}'${hintFor(name, known, at, aliases)}`, { option: path });
  }
  for (const [name, check] of Object.entries(checks)) {
    const value = options[name];
    if (value !== undefined) check(value, { call: at.call, option: `${at.option}${name}` });
  }
}
