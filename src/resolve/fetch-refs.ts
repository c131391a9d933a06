import { raceAbort, throwIfAborted } from '../abort.js';
import { SecretRefError } from '../errors.js';
import { readerOf } from '../manager/read-refs.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { CallOptions, SecretManager, SecretRef, SecretResult } from '../types.js';
import type { RouteOf } from './managers.js';

interface Group {
  manager: SecretManager;
  refs: SecretRef[];
  results?: readonly SecretResult[];
}

/** Where the result of one reference comes from: its group and index there, or its routing failure. */
type Slot = { group: Group; index: number } | { failure: SecretResult };

/**
 * Routes each reference to its manager, asks each manager once for its distinct references (all managers
 * concurrently) and returns one result per reference, in order: the results themselves when every manager answered
 * from its cache at once, else a promise of them.
 * @internal
 */
export function fetchRefs(
  refs: readonly SecretRef[],
  route: RouteOf,
  signal: AbortSignal | undefined,
  refresh = false,
): SecretResult[] | Promise<SecretResult[]> {
  throwIfAborted(signal);
  const groups = new Map<SecretManager, Group>();
  const byKey = new Map<string, Slot>();
  const slots = refs.map((ref): Slot => {
    const target = route(ref);
    if (!target.ok)
      return { failure: { ok: false, error: new SecretRefError('unknown_manager', target.message) } };
    // The one repeat detector of the reference space: a reference asked twice is read once.
    const key = refKey(ref);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    let group = groups.get(target.manager);
    if (group === undefined) {
      group = { manager: target.manager, refs: [] };
      groups.set(target.manager, group);
    }
    const slot = { group, index: group.refs.push(ref) - 1 };
    byKey.set(key, slot);
    return slot;
  });
  const options: CallOptions = refresh ? { signal, refresh } : signal ? { signal } : {};
  let waiting: Promise<void>[] | undefined;
  for (const group of groups.values()) {
    const read = readerOf(group.manager);
    const results = read ? read(group.refs, options) : callManager(group, options);
    if (Array.isArray(results)) group.results = results;
    else {
      waiting ??= [];
      waiting.push(
        results.then((settled) => {
          group.results = settled;
        }),
      );
    }
  }
  if (waiting === undefined) return resultsOf(slots);
  return raceAbort(Promise.all(waiting), signal).then(() => resultsOf(slots));
}

function resultsOf(slots: readonly Slot[]): SecretResult[] {
  return slots.map((slot) => ('failure' in slot ? slot.failure : slot.group.results![slot.index]!));
}

/**
 * `getSecrets` of a manager this library did not make: its answer is not trusted (it may throw, reject, give too
 * few results or results that throw when read), so each result is checked and every failure is a typed one.
 */
async function callManager(group: Group, options: CallOptions): Promise<SecretResult[]> {
  const { signal } = options;
  let results: unknown;
  try {
    results = await group.manager.getSecrets(group.refs, options);
  } catch (error) {
    if (signal?.aborted || (error instanceof SecretRefError && error.code === 'aborted')) throw error;
    const failure = { ok: false, error: ownError(error) } as const;
    return group.refs.map(() => failure);
  }
  const list = Array.isArray(results) ? results : [];
  return group.refs.map((_, index) => checkResult(list[index]));
}

function checkResult(result: unknown): SecretResult {
  try {
    if (result === null || typeof result !== 'object')
      return failed('the secret manager returned no result for it');
    const { ok, value, json, error } = result as {
      ok?: unknown;
      value?: unknown;
      json?: unknown;
      error?: unknown;
    };
    if (ok !== true) return { ok: false, error: ownError(error) };
    if (typeof value !== 'string') return failed('the secret manager returned a value that is not a string');
    return json === undefined ? { ok: true, value } : { ok: true, value, json };
  } catch {
    return failed('the secret manager returned a result that cannot be read');
  }
}

function ownError(error: unknown): SecretRefError {
  return error instanceof SecretRefError
    ? error
    : new SecretRefError('provider_error', 'the secret manager failed unexpectedly');
}

function failed(message: string): SecretResult {
  return { ok: false, error: new SecretRefError('provider_error', message) };
}

const keyOfParsed = new WeakMap<SecretRef, string>();

/**
 * One key per distinct reference: each part is written with its length, so no two references share a key. A
 * parsed (frozen) reference keeps its key, so it is built once.
 * @internal
 */
export function refKey(ref: SecretRef): string {
  const parsed = isParsedRef(ref);
  let key = parsed ? keyOfParsed.get(ref) : undefined;
  if (key === undefined) {
    key =
      part(ref.manager) +
      part(ref.secretId) +
      part(ref.jsonKey) +
      part(ref.versionStage) +
      part(ref.versionId);
    if (parsed) keyOfParsed.set(ref, key);
  }
  return key;
}

function part(text: string | undefined): string {
  return text === undefined ? '-' : `${text.length}:${text}`;
}
