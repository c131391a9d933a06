import type { FlightOutcome, KeptRead, ReadOptions, ReadThrough } from '../cache/read-through.js';
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
  sources?: (CachedPayload | undefined)[],
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
 * What a reader keeps per parsed reference: its cache key (built once) and, for the reader `resolveConnection` uses,
 * the result it last read together with the cached value it came from.
 */
interface RefState {
  readonly key: string;
  value: CachedPayload | undefined;
  result: SecretResult | undefined;
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
  // One lookup per reference on a warm read: a reference found here is a parsed one (only those are kept).
  const states = new WeakMap<SecretRef, RefState>();
  const stateOf = (input: SecretRef | string): RefState | undefined => {
    if (typeof input !== 'object' || input === null) return undefined;
    let state = states.get(input);
    if (state === undefined && isParsedRef(input)) {
      state = { key: readThrough.keyOf(input), value: undefined, result: undefined };
      states.set(input, state);
    }
    return state;
  };
  const read: RefReader = (inputs, options, sources) => {
    if (!Array.isArray(inputs)) {
      throw new SecretRefConfigError('refs', '`refs` must be an array of secret references');
    }
    const parsed = parseInputs(inputs, stateOf);
    const outcomes = readThrough(parsed.refs, options, parsed.keys);
    const keep = shareResults ? parsed.states : undefined;
    return Array.isArray(outcomes)
      ? toResults(inputs, parsed, outcomes, keep, sources)
      : outcomes.then((settled) => toResults(inputs, parsed, settled, keep, sources));
  };
  if (!shareResults) return read;
  // The last read of a list of parsed references, by its first reference: given again, without a read, while a list
  // holds the same references in the same order (a connection resolved again, a compiled connection) and the read
  // path would return the same values ("warm" figures of `npm run bench`).
  const kept = new WeakMap<SecretRef, Kept>();
  const readKept: RefReader = (inputs, options) => {
    const first = inputs[0] as SecretRef;
    const last = kept.get(first);
    if (last !== undefined && sameList(last.refs, inputs) && readThrough.reuse(last.read))
      return last.results;
    const parsed = parseInputs(inputs, stateOf);
    const outcomes = readThrough(parsed.refs, options, parsed.keys);
    const finish = (settled: readonly FlightOutcome[]): SecretResult[] => {
      const results = toResults(inputs, parsed, settled, parsed.states, undefined);
      if (parsed.keys !== undefined && results.every((result) => result.ok)) {
        const read = readThrough.keep(parsed.keys, settled, parsed.refs);
        if (read !== undefined) kept.set(first, { refs: parsed.refs, read, results });
      }
      return results;
    };
    return Array.isArray(outcomes) ? finish(outcomes) : outcomes.then(finish);
  };
  // A caller that asks which value each result came from (a resolve across several managers) reads afresh.
  return (inputs, options, sources) =>
    sources === undefined &&
    Array.isArray(inputs) &&
    inputs.length > 0 &&
    options.refresh !== true &&
    isParsedRef(inputs[0])
      ? readKept(inputs, options)
      : read(inputs, options, sources);
}

/** The same references, in the same order (parsed references are frozen, so the same object is the same reference). */
function sameList(kept: readonly SecretRef[], inputs: readonly (SecretRef | string)[]): boolean {
  if (kept === inputs) return true;
  if (kept.length !== inputs.length) return false;
  for (let index = 0; index < kept.length; index++) if (kept[index] !== inputs[index]) return false;
  return true;
}

/** A read kept for its list: the list, what the read path returned, and the results made of it. */
interface Kept {
  refs: readonly SecretRef[];
  read: KeptRead;
  results: SecretResult[];
}

/** The good references, in order, with their cache keys, and the error of each bad input (`undefined` when none). */
interface Parsed {
  refs: readonly SecretRef[];
  keys: readonly string[] | undefined;
  /** The state of each good reference, when every input was a parsed reference. */
  states: readonly RefState[] | undefined;
  errors: (SecretRefError | undefined)[] | undefined;
}

function parseInputs(
  inputs: readonly (SecretRef | string)[],
  stateOf: (input: SecretRef | string) => RefState | undefined,
): Parsed {
  const count = inputs.length;
  const states: RefState[] = new Array(count);
  const keys: string[] = new Array(count);
  let index = 0;
  for (; index < count; index++) {
    const state = stateOf(inputs[index]!);
    if (state === undefined) break;
    states[index] = state;
    keys[index] = state.key;
  }
  // References the parser made (what `resolveConnection` passes) are valid already: nothing to copy or check.
  if (index === count) return { refs: inputs as readonly SecretRef[], keys, states, errors: undefined };
  const refs: SecretRef[] = [];
  const errors = inputs.map((input) => {
    try {
      refs.push(toRef(input));
      return undefined;
    } catch (error) {
      return error as SecretRefError;
    }
  });
  return { refs, keys: undefined, states: undefined, errors };
}

function toResults(
  inputs: readonly (SecretRef | string)[],
  { refs, errors }: Parsed,
  outcomes: readonly FlightOutcome[],
  states: readonly RefState[] | undefined,
  sources: (CachedPayload | undefined)[] | undefined,
): SecretResult[] {
  const results: SecretResult[] = new Array(inputs.length);
  let next = 0;
  for (let index = 0; index < inputs.length; index++) {
    const error = errors?.[index];
    if (error !== undefined) {
      results[index] = { ok: false, error };
      continue;
    }
    const outcome = outcomes[next]!;
    const ref = refs[next]!;
    const state = states?.[next];
    next++;
    if (!outcome.ok) {
      results[index] = outcome;
      continue;
    }
    let result: SecretResult;
    if (state !== undefined && state.value === outcome.value) result = state.result!;
    else {
      result = resultOf(outcome.value, ref);
      if (state !== undefined) {
        state.value = outcome.value;
        state.result = result;
      }
    }
    if (sources !== undefined && result.ok) sources[index] = outcome.value;
    results[index] = result;
  }
  return results;
}

/**
 * The result of `ref` read from `value`: its value, or the typed error of reading it (a missing JSON key, say).
 * @internal
 */
export function resultOf(value: CachedPayload, ref: SecretRef): SecretResult {
  try {
    return readSecretResult(value, ref);
  } catch (failure) {
    return { ok: false, error: failure as SecretRefError };
  }
}
