// The options of model.stream() and of a stream's results() and transform(), checked before anything is sent.
import { InputError } from '../shared/errors.js';
import { arrayTypes, concreteDims, elementCount } from '../shared/dtypes.js';
import type { StreamSpec } from '../shared/protocol.js';
import type { Tensor, TensorInfo, Tensors } from '../shared/types.js';
import { didYouMean } from './did-you-mean.js';
import { anAbortSignal, aPositiveInteger, checkOptions, isPlainObject, rule } from './option-checks.js';
import { validateFeeds } from './validate.js';

export interface StreamOptions {
  /**
   * The model's recurrent state: output name → the input it feeds on the stream's next call, e.g.
   * `{ stateN: 'state' }`. The worker supplies those inputs and keeps those outputs.
   */
  state?: Record<string, string>;
  /** First values of the state inputs. Default: zeros of each input's declared shape, symbolic dims taken as 1. */
  initial?: Tensors;
}

export interface StreamIterationOptions {
  /** Most elements taken from the source and not yet handed back; default 4. */
  maxInFlight?: number;
  /** Stops the iteration (it rejects with AbortError); elements still queued are dropped. */
  signal?: AbortSignal;
}

export const defaultMaxInFlight = 4;

const names = (list: readonly { name: string }[]): string => list.map(({ name }) => `'${name}'`).join(', ');

const hint = (typed: string, known: readonly { name: string }[]): string => {
  const meant = didYouMean(
    typed,
    known.map(({ name }) => name),
  );
  return meant === undefined ? '' : ` (did you mean '${meant}'?)`;
};

const streamChecks = {
  state: rule(
    'an object mapping output names to input names ({ stateN: "state" })',
    (value) => isPlainObject(value) && Object.values(value).every((input) => typeof input === 'string'),
  ),
  initial: rule('a feeds object { inputName: { dtype, dims, data } }', isPlainObject),
};

const iterationChecks = { maxInFlight: aPositiveInteger, signal: anAbortSignal };

/** Throws an OptionError for an unknown option of results() or transform(), or a value not allowed. */
export function checkIterationOptions(
  call: 'results' | 'transform',
  options: unknown,
): asserts options is StreamIterationOptions {
  checkOptions(options, iterationChecks, { call, option: '' });
}

/** Zeros of the input's declared shape, each symbolic dim taken as 1. */
function zerosOf(info: TensorInfo): Tensor {
  const dims = concreteDims(info.shape);
  return { dtype: info.dtype, dims, data: new arrayTypes[info.dtype](elementCount(dims)) } as Tensor;
}

/** The inputs the state feeds, each checked against the output that feeds it. */
function stateInputs(
  state: Record<string, string>,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
): TensorInfo[] {
  const fed = new Map<string, string>();
  return Object.entries(state).map(([outputName, inputName]) => {
    const output = outputs.find(({ name }) => name === outputName);
    if (output === undefined) {
      throw new InputError(
        `stream option state names output '${outputName}', which the model lacks${hint(outputName, outputs)}; its ` +
          `outputs are ${names(outputs)}`,
        { output: outputName },
      );
    }
    const input = inputs.find(({ name }) => name === inputName);
    if (input === undefined) {
      throw new InputError(
        `stream option state feeds output '${outputName}' to input '${inputName}', which the model lacks` +
          `${hint(inputName, inputs)}; its inputs are ${names(inputs)}`,
        { input: inputName },
      );
    }
    if (output.dtype !== input.dtype) {
      throw new InputError(
        `stream option state feeds output '${outputName}' (${output.dtype}) to input '${inputName}' (${input.dtype}): ` +
          'their dtypes differ',
        { input: inputName },
      );
    }
    const other = fed.get(inputName);
    if (other !== undefined) {
      throw new InputError(`stream option state feeds input '${inputName}' from both '${other}' and '${outputName}'`, {
        input: inputName,
      });
    }
    fed.set(inputName, outputName);
    return input;
  });
}

/** The first values of the state inputs: the caller's, checked, and zeros for the others. */
function initialValues(given: Tensors, carried: readonly TensorInfo[]): Tensors {
  for (const name of Object.keys(given)) {
    if (!carried.some((info) => info.name === name)) {
      throw new InputError(
        `stream option initial names '${name}', which is not a state input; the state inputs are ${names(carried)}`,
        { input: name },
      );
    }
  }
  const initial: Tensors = {};
  for (const info of carried) initial[info.name] = given[info.name] ?? zerosOf(info);
  try {
    return validateFeeds(initial, carried);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `stream option initial: ${error.message}`,
      error.input === undefined ? {} : { input: error.input },
    );
  }
}

/**
 * Checks model.stream()'s options against the model; the state the worker will keep (undefined for a
 * stream without state), and the inputs it supplies (input → the output that feeds it).
 */
export function streamSpec(
  options: unknown,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
): { spec: StreamSpec | undefined; carried: Map<string, string> } {
  checkOptions(options, streamChecks, { call: 'stream', option: '' });
  const { state = {}, initial } = (options ?? {}) as StreamOptions;
  const carried = new Map(Object.entries(state).map(([output, input]) => [input, output]));
  if (carried.size === 0) {
    if (initial !== undefined)
      throw new InputError('stream option initial needs the option state, which names the state');
    return { spec: undefined, carried };
  }
  return { spec: { state, initial: initialValues(initial ?? {}, stateInputs(state, inputs, outputs)) }, carried };
}
