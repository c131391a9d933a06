import { abortError, raceAbort } from '../abort.js';
import { cacheKeyFor, isCurrentLocator, normalizeLocator } from '../cache/cache-key.js';
import type { CachedPayload, CacheStore, EntryOwner, FlightOutcome, InFlight } from '../cache/store.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { SecretLocator, SecretProvider, SecretRef } from '../types.js';
import type { Emit } from './events.js';
import { allParsed } from './fresh-read.js';
import { locatorOf } from './ref-input.js';
import { type Missing, type RequestContext, startRequest } from './request.js';
import { oneVersionPerSecret, unifyVersions } from './versions.js';

export { asSecretRefError } from './provider-answer.js';

/** Lists up to this long are searched for repeats linearly; longer ones through a Set (a linear search is quadratic). */
const SMALL_LIST = 8;
/** Read counters kept per manager. */
export interface ReadCounters {
  hits: number;
  misses: number;
  staleServed: number;
  refreshErrors: number;
  sharedRejected: number;
}

/** Options of one load: the caller's signal, and `refresh` to read past every cache. */
export interface LoadOptions {
  signal?: AbortSignal | undefined;
  refresh?: boolean | undefined;
}

/**
 * Loads secret versions through the cache; one outcome per locator, in order. Rejects only when aborted. One
 * listener is added to `signal` per call, however many keys it waits for.
 */
export type Loader = (locators: readonly SecretLocator[], options?: LoadOptions) => Promise<FlightOutcome[]>;

/**
 * Outcomes of references that are all fresh in the cache (counted as hits, like the loader counts them), read
 * synchronously with one clock read; `undefined`, with nothing counted, when any is not fresh or `signal` has
 * fired. An entry close to its expiry (`refreshAheadMs`) is served and refreshed in the background.
 */
export type Peek = (refs: readonly SecretRef[], signal?: AbortSignal) => FlightOutcome[] | undefined;

/** {@link Peek} giving the cached values themselves: the warm path of a resolve, one object fewer per reference. */
export type PeekValues = (refs: readonly SecretRef[], signal?: AbortSignal) => CachedPayload[] | undefined;

/** What {@link PeekParsed} answers when a reference was not made by the parser (the caller takes the general path). */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

/** {@link PeekValues} for references made by the parser; {@link NOT_PARSED} for any other list. */
export type PeekParsed = (
  refs: readonly SecretRef[],
  signal?: AbortSignal,
) => CachedPayload[] | undefined | typeof NOT_PARSED;

/**
 * The cache key of a reference for one provider identity; a parsed (frozen) reference keeps its key, so the warm
 * path builds and hashes no new string.
 * @example
 *   const keyOf = createRefKeys(provider.identity);
 */
export function createRefKeys(identity: string): (ref: SecretRef) => string {
  const keyOf = cacheKeyFor(identity);
  const known = new WeakMap<SecretRef, string>();
  return (ref) => {
    if (!isParsedRef(ref)) return keyOf(locatorOf(ref));
    let key = known.get(ref);
    if (key === undefined) {
      key = keyOf(locatorOf(ref));
      known.set(ref, key);
    }
    return key;
  };
}

/**
 * Creates the loader and the warm-path peek of one manager. The loader serves fresh entries (and stale ones while a
 * failed refresh backs off), joins keys being fetched, and fetches the rest: current versions in one request when
 * the provider batches, pinned versions one by one, each through the shared tier first when there is one. Within
 * one call, one secret is seen at one version.
 */
export function createLoader(
  provider: SecretProvider,
  store: CacheStore,
  counters: ReadCounters,
  owner: EntryOwner,
  emit: Emit,
  scopeReady?: Promise<void>,
): { load: Loader; peek: Peek; peekValues: PeekValues; peekParsed: PeekParsed } {
  const context: RequestContext = {
    provider,
    store,
    emit,
    owner,
    scopeReady,
    aheadMs: store.options?.refreshAheadMs ?? 0,
    onRejected: () => {
      counters.sharedRejected++;
    },
  };
  const keyOfLocator = cacheKeyFor(provider.identity);
  const keyOfRef = createRefKeys(provider.identity);
  const aheadMs = store.options?.refreshAheadMs ?? 0;

  const refreshAhead = (key: string, ref: SecretRef): void => {
    startRequest(context, [{ key, locator: normalizeLocator(locatorOf(ref)) }], { background: true });
  };

  /** The values of `keys` (the keys of `refs`), when every one is fresh; see {@link PeekValues}. */
  const peekKeys = (
    refs: readonly SecretRef[],
    keys: readonly string[],
    distinct: number,
    now: number,
  ): CachedPayload[] | undefined => {
    const count = keys.length;
    const values: CachedPayload[] = [];
    for (let index = 0; index < count; index++) {
      const value = store.fresh(keys[index]!, now);
      if (value === undefined) return undefined;
      values.push(value);
    }
    if (emit !== undefined || aheadMs > 0) {
      const met = count > SMALL_LIST ? new Set<string>() : undefined;
      for (let index = 0; index < count; index++) {
        const key = keys[index]!;
        if (met !== undefined) {
          if (met.has(key)) continue;
          met.add(key);
        } else if (index > 0 && keys.indexOf(key) !== index) continue;
        emit?.({ type: 'hit', secretId: refs[index]!.secretId, tier: 'memory' });
        if (aheadMs > 0 && store.refreshDue(key, now)) refreshAhead(key, refs[index]!);
      }
    }
    counters.hits += distinct;
    if (distinct > 1) {
      unifyVersions(
        keys,
        (index) => values[index],
        (index, value) => {
          values[index] = value;
        },
        store,
      );
    }
    return values;
  };

  const keysOf = (refs: readonly SecretRef[]): { keys: string[]; distinct: number } => {
    const keys = refs.map(keyOfRef);
    if (keys.length > SMALL_LIST) return { keys, distinct: new Set(keys).size };
    let distinct = 0;
    for (let index = 0; index < keys.length; index++) {
      if (keys.indexOf(keys[index]!) === index) distinct++;
    }
    return { keys, distinct };
  };

  const peekValues: PeekValues = (refs, signal) => {
    if (signal?.aborted) return undefined;
    const { keys, distinct } = keysOf(refs);
    return peekKeys(refs, keys, distinct, Date.now());
  };

  // The last list of parsed references read warm, with its keys: a compiled connection reads the same list each
  // time, so its keys are not looked up again. Parsed references are frozen, so the same objects have the same keys.
  let lastRefs: readonly SecretRef[] = [];
  let last = { keys: [] as string[], distinct: 0 };
  const peekParsed: PeekParsed = (refs, signal) => {
    let same = refs.length > 0 && refs.length === lastRefs.length;
    for (let index = 0; same && index < refs.length; index++) same = refs[index] === lastRefs[index];
    if (!same) {
      if (!allParsed(refs)) return NOT_PARSED;
      lastRefs = [...refs];
      last = keysOf(refs);
    }
    if (signal?.aborted) return undefined;
    return peekKeys(refs, last.keys, last.distinct, Date.now());
  };

  const peek: Peek = (refs, signal) =>
    peekValues(refs, signal)?.map((value): FlightOutcome => ({ ok: true, value, stale: false }));

  const load: Loader = async (locators, options = {}) => {
    const { signal, refresh = false } = options;
    if (signal?.aborted) throw abortError(signal);
    const now = Date.now();
    const keys = locators.map(keyOfLocator);
    const waits = new Map<string, Promise<FlightOutcome>>();
    const joined: InFlight[] = [];
    const join = (running: InFlight): Promise<FlightOutcome> => {
      joined.push(running);
      return store.join(running);
    };
    const missing: Missing[] = [];
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      const locator = normalizeLocator(locators[index]!);
      const found = refresh ? ({ state: 'miss' } as const) : store.lookup(key, now);
      const { secretId } = locator;
      if (found.state === 'fresh') {
        counters.hits++;
        emit?.({ type: 'hit', secretId, tier: 'memory' });
        if (aheadMs > 0 && store.refreshDue(key, now)) {
          startRequest(context, [{ key, locator }], { background: true });
        }
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: false }));
      } else if (found.state === 'stale') {
        counters.hits++;
        emit?.({ type: 'stale', secretId, tier: 'memory' });
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: true }));
      } else if (found.state === 'inflight') {
        counters.hits++;
        waits.set(key, join(found.inflight));
      } else {
        counters.misses++;
        emit?.({ type: 'miss', secretId, tier: 'memory' });
        missing.push({ key, locator });
      }
    });
    const started = new Set<string>();
    for (const request of requestsOf(provider, missing)) {
      for (const item of request) started.add(item.key);
      const running = startRequest(context, request, { refresh });
      request.forEach((item, index) => {
        waits.set(item.key, join(running[index]!));
      });
    }
    const order = [...waits.keys()];
    const settled = await raceAbort(Promise.all(order.map((key) => waits.get(key)!)), signal, () => {
      for (const running of joined) store.leave(running);
    });
    const byKey = new Map<string, FlightOutcome>();
    order.forEach((key, index) => {
      const outcome = settled[index]!;
      if (outcome.ok && outcome.stale && started.has(key)) {
        counters.staleServed++;
        counters.refreshErrors++;
        emit?.({ type: 'stale', secretId: locatorOfKey(missing, key), tier: 'memory' });
      } else if (outcome.ok && outcome.stale) {
        counters.staleServed++;
      }
      byKey.set(key, outcome);
    });
    const outcomes = keys.map((key) => byKey.get(key)!);
    if (byKey.size > 1) oneVersionPerSecret(keys, outcomes, store);
    return outcomes;
  };

  return { load, peek, peekValues, peekParsed };
}

function locatorOfKey(missing: readonly Missing[], key: string): string {
  return missing.find((item) => item.key === key)?.locator.secretId ?? '';
}

/** The requests for `missing`: current versions together when the provider batches and there are several. */
function requestsOf(provider: SecretProvider, missing: readonly Missing[]): Missing[][] {
  const current = provider.fetchMany ? missing.filter((item) => isCurrentLocator(item.locator)) : [];
  const requests: Missing[][] = current.length > 1 ? [current] : [];
  for (const item of missing) {
    if (!(current.length > 1 && isCurrentLocator(item.locator))) requests.push([item]);
  }
  return requests;
}
