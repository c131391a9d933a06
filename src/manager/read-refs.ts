import type { FlightOutcome, ReadOptions, ReadThrough } from '../cache/read-through.js';
import { SecretRefConfigError, type SecretRefError } from '../errors.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { SecretManager, SecretRef, SecretResult } from '../types.js';
import { readSecretResult } from './read-value.js';
import { toRef } from './ref-input.js';

/**
 * `getSecrets` of a manager made by `createSecretManager`, answering at once (no promise) when every secret is
 * fresh in its cache. `resolveConnection` reads through it; any other manager is read through `getSecrets`.
 * @internal
 */
export type RefReader = (
  inputs: readonly (SecretRef | string)[],
  options: ReadOptions,
) => SecretResult[] | Promise<SecretResult[]>;

const readers = new WeakMap<SecretManager, RefReader>();

/** Records the reader of a manager made by `createSecretManager`; the manager object is left as it is. @internal */
export function registerReader(manager: SecretManager, read: RefReader): void {
  readers.set(manager, read);
}

/** The reader of `manager`; `undefined` for a manager `createSecretManager` did not make. @internal */
export function readerOf(manager: SecretManager): RefReader | undefined {
  return readers.get(manager);
}

/**
 * The reader of one manager: parse each input (a bad one becomes its failed result), read through the cache, read
 * each JSON key. Inputs that are not an array throw a `SecretRefConfigError` naming `refs`.
 * @internal
 */
export function createRefReader(readThrough: ReadThrough): RefReader {
  return (inputs, options) => {
    if (!Array.isArray(inputs)) {
      throw new SecretRefConfigError('refs', '`refs` must be an array of secret references');
    }
    const parsed = parseInputs(inputs);
    const outcomes = readThrough(parsed.refs, options);
    return Array.isArray(outcomes)
      ? toResults(inputs, parsed, outcomes)
      : outcomes.then((settled) => toResults(inputs, parsed, settled));
  };
}

/** The good references, in order, and the error of each bad input (`undefined` when every input was good). */
interface Parsed {
  refs: readonly SecretRef[];
  errors: (SecretRefError | undefined)[] | undefined;
}

function parseInputs(inputs: readonly (SecretRef | string)[]): Parsed {
  let index = 0;
  while (index < inputs.length && isParsedRef(inputs[index] as SecretRef)) index++;
  // References the parser made (what `resolveConnection` passes) are valid already: nothing to copy or check.
  if (index === inputs.length) return { refs: inputs as readonly SecretRef[], errors: undefined };
  const refs: SecretRef[] = [];
  const errors = inputs.map((input) => {
    try {
      refs.push(toRef(input));
      return undefined;
    } catch (error) {
      return error as SecretRefError;
    }
  });
  return { refs, errors };
}

function toResults(
  inputs: readonly (SecretRef | string)[],
  { refs, errors }: Parsed,
  outcomes: readonly FlightOutcome[],
): SecretResult[] {
  let next = 0;
  return inputs.map((_, index): SecretResult => {
    const error = errors?.[index];
    if (error !== undefined) return { ok: false, error };
    const outcome = outcomes[next]!;
    const ref = refs[next++]!;
    if (!outcome.ok) return outcome;
    try {
      return readSecretResult(outcome.value, ref);
    } catch (failure) {
      return { ok: false, error: failure as SecretRefError };
    }
  });
}
