import type { CachedPayload, FlightOutcome } from '../cache/store.js';
import { SecretRefConfigError, type SecretRefError } from '../errors.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { SecretManager, SecretRef, SecretResult } from '../types.js';
import { readSecretResult } from './read-value.js';
import { toRef } from './ref-input.js';

/**
 * What `getSecrets` returns, computed synchronously when every reference is a fresh cache hit; `undefined`
 * (with nothing counted) otherwise, or when `signal` has fired.
 */
export type FreshReader = (refs: readonly SecretRef[], signal?: AbortSignal) => SecretResult[] | undefined;

const readers = new WeakMap<SecretManager, FreshReader>();

/**
 * Records the fresh reader of a manager made by `createSecretManager`, so `resolveConnection` can skip the
 * promises of `getSecrets` on the warm path. The manager object itself is left as it is.
 * @internal
 */
export function registerFreshReader(manager: SecretManager, read: FreshReader): void {
  readers.set(manager, read);
}

/**
 * The fresh reader of `manager`; `undefined` for any manager `createSecretManager` did not make.
 * @internal
 */
export function freshReaderOf(manager: SecretManager): FreshReader | undefined {
  return readers.get(manager);
}

/** The inputs of `getSecrets`, each parsed or checked; `refs` holds the good ones, in order. */
export interface ParsedInputs {
  items: ({ ok: true; ref: SecretRef } | { ok: false; error: SecretRefError })[];
  refs: SecretRef[];
}

/**
 * Parses or checks each input of `getSecrets`; a bad one becomes its failed result rather than a throw. Inputs
 * that are not an array throw a `SecretRefConfigError` naming `refs`.
 * @internal
 */
export function parseInputs(inputs: readonly (SecretRef | string)[]): ParsedInputs {
  if (!Array.isArray(inputs)) {
    throw new SecretRefConfigError('refs', '`refs` must be an array of secret references');
  }
  const items = inputs.map((input): ParsedInputs['items'][number] => {
    try {
      return { ok: true, ref: toRef(input) };
    } catch (error) {
      return { ok: false, error: error as SecretRefError };
    }
  });
  const refs: SecretRef[] = [];
  for (const item of items) if (item.ok) refs.push(item.ref);
  return { items, refs };
}

/**
 * One result per input of `getSecrets`, from the outcomes of its good references (in order).
 * @internal
 */
export function toResults(parsed: ParsedInputs, outcomes: readonly FlightOutcome[]): SecretResult[] {
  let next = 0;
  return parsed.items.map((item): SecretResult => {
    if (!item.ok) return item;
    const outcome = outcomes[next++]!;
    if (!outcome.ok) return { ok: false, error: outcome.error };
    try {
      return readSecretResult(outcome.value, item.ref);
    } catch (error) {
      return { ok: false, error: error as SecretRefError };
    }
  });
}

/**
 * True when every reference was made by the parser (frozen, known valid): the warm path then skips `parseInputs`.
 * @internal
 */
export function allParsed(refs: readonly SecretRef[]): boolean {
  if (!Array.isArray(refs)) return false;
  for (const ref of refs) if (!isParsedRef(ref)) return false;
  return true;
}

/**
 * One result per parsed reference, from its cached value: what `toResults` gives, without the wrappers.
 * @internal
 */
export function readResults(values: readonly CachedPayload[], refs: readonly SecretRef[]): SecretResult[] {
  const results: SecretResult[] = new Array(refs.length);
  for (let index = 0; index < refs.length; index++) {
    try {
      results[index] = readSecretResult(values[index]!, refs[index]!);
    } catch (error) {
      results[index] = { ok: false, error: error as SecretRefError };
    }
  }
  return results;
}
