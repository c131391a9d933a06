import type { FlightOutcome, ReadOptions, ReadThrough } from '../cache/read-through.js';
import type { CachedPayload } from '../cache/store-types.js';
import { SecretRefConfigError, type SecretRefError } from '../errors.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { SecretRef } from '../types.js';
import { readSecretResult } from './read-value.js';
import { toRef } from './ref-input.js';
import type { SecretManager, SecretResult } from './types.js';

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

/** The result last read for a parsed reference, and the cached value it was read from. */
interface LastRead {
  readonly value: CachedPayload;
  readonly result: SecretResult;
}

/**
 * The reader of one manager: parse each input (a bad one becomes its failed result), read through the cache, read
 * each JSON key. Inputs that are not an array throw a `SecretRefConfigError` naming `refs`. With `shareResults`
 * (the reader `resolveConnection` uses, whose results never reach a caller), the result read for a parsed reference
 * is kept with the cached value it came from and given again while the read path returns that same value: an
 * invalidated, evicted or replaced entry is never returned by the read path again, so a kept result is never an
 * older version or another manager's secret.
 * @internal
 */
export function createRefReader(readThrough: ReadThrough, shareResults = false): RefReader {
  const lastRead = shareResults ? new WeakMap<SecretRef, LastRead>() : undefined;
  return (inputs, options) => {
    if (!Array.isArray(inputs)) {
      throw new SecretRefConfigError('refs', '`refs` must be an array of secret references');
    }
    const parsed = parseInputs(inputs);
    const outcomes = readThrough(parsed.refs, options);
    return Array.isArray(outcomes)
      ? toResults(inputs, parsed, outcomes, lastRead)
      : outcomes.then((settled) => toResults(inputs, parsed, settled, lastRead));
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
  lastRead: WeakMap<SecretRef, LastRead> | undefined,
): SecretResult[] {
  // Every input a parsed (frozen, shared) reference: its result may be kept for the next read of the same value.
  const keep = errors === undefined ? lastRead : undefined;
  const results: SecretResult[] = new Array(inputs.length);
  let next = 0;
  for (let index = 0; index < inputs.length; index++) {
    const error = errors?.[index];
    if (error !== undefined) {
      results[index] = { ok: false, error };
      continue;
    }
    const outcome = outcomes[next]!;
    const ref = refs[next++]!;
    if (!outcome.ok) {
      results[index] = outcome;
      continue;
    }
    const last = keep?.get(ref);
    if (last !== undefined && last.value === outcome.value) {
      results[index] = last.result;
      continue;
    }
    try {
      const result = readSecretResult(outcome.value, ref);
      keep?.set(ref, { value: outcome.value, result });
      results[index] = result;
    } catch (failure) {
      results[index] = { ok: false, error: failure as SecretRefError };
    }
  }
  return results;
}
