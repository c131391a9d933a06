import { raceAbort, throwIfAborted } from '../abort.js';
import type { CachedPayload } from '../cache/store-types.js';
import { olderVersions } from '../cache/versions.js';
import { SecretRefError } from '../errors.js';
import { type RefReader, readerOf, resultOf } from '../manager/read-refs.js';
import type { SecretManager, SecretResult } from '../manager/types.js';
import type { CallOptions, SecretRef } from '../types.js';
import type { RouteOf, Router } from './managers.js';

interface Group {
  manager: SecretManager;
  /** The reader of a manager this library made; `undefined` for another (asked through `getSecrets`). */
  read: RefReader | undefined;
  refs: SecretRef[];
  /** For a manager read through `getSecrets`: the index in `refs` of each distinct reference, by `refKey`. */
  firstOf: Map<string, number> | undefined;
  results: readonly SecretResult[] | undefined;
  /** For a resolve across several managers this library made: the cached value each result was read from. */
  sources: (CachedPayload | undefined)[] | undefined;
}

/** The options of a read with neither a signal nor `refresh` (never changed: readers only read them). */
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * The result of each reference, in order, read through its manager: at once when every manager answers from its
 * cache, else a promise.
 * @internal
 */
export function fetchAll(
  refs: readonly SecretRef[],
  router: Router,
  signal: AbortSignal | undefined,
  refresh = false,
): SecretResult[] | Promise<SecretResult[]> {
  const options: CallOptions = refresh ? { signal, refresh } : signal ? { signal } : NO_OPTIONS;
  // One manager made by this library: its reader is the whole route (no grouping to do).
  const read = router.single === undefined ? undefined : readerOf(router.single);
  if (read !== undefined) {
    throwIfAborted(signal);
    return read(refs, options);
  }
  const routing = router(refs, signal);
  return typeof routing === 'function'
    ? fetchRefs(refs, routing, options)
    : routing.then((route) => fetchRefs(refs, route, options));
}

/**
 * Routes each reference to its manager, asks each manager once for its distinct references (all managers
 * concurrently) and returns one result per reference, in order: the results themselves when every manager answered
 * from its cache at once, else a promise of them.
 */
function fetchRefs(
  refs: readonly SecretRef[],
  route: RouteOf,
  options: CallOptions,
): SecretResult[] | Promise<SecretResult[]> {
  const { signal } = options;
  throwIfAborted(signal);
  const count = refs.length;
  const groups = new Map<SecretManager, Group>();
  // Where each reference's result comes from, in two parallel lists rather than an object per reference: its
  // group (or its routing failure) and its index there. A warm resolve allocates only these.
  const from: (Group | SecretResult)[] = new Array(count);
  const at: number[] = new Array(count);
  // Managers this library made that serve this resolve: from two on, their answers are held to one version per
  // secret.
  let readers = 0;
  for (let index = 0; index < count; index++) {
    const ref = refs[index]!;
    const target = route(ref);
    if (!target.ok) {
      from[index] = { ok: false, error: new SecretRefError('unknown_manager', target.message) };
      continue;
    }
    const { manager } = target;
    let group = groups.get(manager);
    if (group === undefined) {
      const read = readerOf(manager);
      group = {
        manager,
        read,
        refs: [],
        firstOf: read ? undefined : new Map(),
        results: undefined,
        sources: undefined,
      };
      groups.set(manager, group);
      if (read !== undefined) readers++;
    }
    from[index] = group;
    // A manager this library made reads each cache key once however often it is named, so its references go as
    // they are; another manager is asked once per distinct reference (the one repeat detector of this space).
    if (group.firstOf === undefined) {
      at[index] = group.refs.push(ref) - 1;
      continue;
    }
    const key = refKey(ref);
    const known = group.firstOf.get(key);
    if (known !== undefined) at[index] = known;
    else {
      at[index] = group.refs.push(ref) - 1;
      group.firstOf.set(key, at[index]!);
    }
  }
  let waiting: Promise<void>[] | undefined;
  for (const group of groups.values()) {
    if (readers > 1 && group.read) group.sources = [];
    const results = group.read ? group.read(group.refs, options, group.sources) : callManager(group, options);
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
  if (waiting === undefined) return settledResults(refs, from, at, readers);
  return raceAbort(Promise.all(waiting), signal).then(() => settledResults(refs, from, at, readers));
}

/** The results once every manager has answered, one version per secret across the `readers` managers it made. */
function settledResults(
  refs: readonly SecretRef[],
  from: readonly (Group | SecretResult)[],
  at: readonly number[],
  readers: number,
): SecretResult[] {
  const results = resultsOf(from, at);
  if (readers > 1) oneVersionAcross(refs, results, from, at);
  return results;
}

/**
 * One secret at one version across the managers of one resolve, as within one manager's read: each manager's read
 * held its own references to one version per secret, but not to another manager's (a name cached at v1 by one, its
 * ARN just fetched at v2 by another, after a rotation), and a connection must never pair an old username with a new
 * password. A result is read again from the newer value of the same secret only; a manager this library did not
 * make gives results with no cached value, which stay as they are. `results` (a list of this resolve's own) are
 * changed in place.
 */
function oneVersionAcross(
  refs: readonly SecretRef[],
  results: SecretResult[],
  from: readonly (Group | SecretResult)[],
  at: readonly number[],
): void {
  const values = from.map((source, index) =>
    'manager' in source ? source.sources?.[at[index]!] : undefined,
  );
  olderVersions(
    values,
    (value) => value,
    (index, latest) => {
      results[index] = resultOf(latest, refs[index]!);
    },
  );
}

function resultsOf(from: readonly (Group | SecretResult)[], at: readonly number[]): SecretResult[] {
  // Every reference went, in order, to one manager's list: its results are the answer as they are.
  const only = from[0];
  if (only !== undefined && 'manager' in only && only.refs.length === from.length)
    return only.results as SecretResult[];
  const results: SecretResult[] = new Array(from.length);
  for (let index = 0; index < from.length; index++) {
    const source = from[index]!;
    results[index] = 'manager' in source ? source.results![at[index]!]! : source;
  }
  return results;
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

/** One key per distinct reference (every part, the service included: a parameter is not the secret of its name). */
function refKey(ref: SecretRef): string {
  return JSON.stringify([
    ref.manager,
    ref.service,
    ref.secretId,
    ref.jsonKey,
    ref.versionStage,
    ref.versionId,
  ]);
}
