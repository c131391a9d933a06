import { abortError, raceAbort } from '../abort.js';
import type { Emit } from '../events.js';
import type { SecretLocator, SecretProvider } from '../types.js';
import { cacheKeyFor, isCurrentLocator, normalizeLocator } from './cache-key.js';
import { type Missing, type RequestContext, startRequest } from './fetch.js';
import type { NegativeMemo } from './negative.js';
import { servedServices, unservedOutcome } from './services.js';
import type { CacheStore, EntryOwner, FlightOutcome, InFlight } from './store.js';
import { oneVersionPerSecret } from './versions.js';

export type { FlightOutcome } from './store.js';

/** Read counters kept per manager. */
export interface ReadCounters {
  hits: number;
  misses: number;
  staleServed: number;
  refreshErrors: number;
  /** Reads answered by a remembered `secret_not_found` / `access_denied` (`negativeTtlMs`). */
  negativeHits: number;
  /** Shared entries that failed to decrypt or verify (each then read from the provider). */
  sharedRejected: number;
}

/** Options of one read: the caller's signal, and `refresh` to read past every cache. */
export interface ReadOptions {
  signal?: AbortSignal | undefined;
  refresh?: boolean | undefined;
}

/**
 * Reads secret versions through the cache: one outcome per locator, in order. The outcomes themselves when every
 * key is fresh in the in-process tier, else a promise of them, which rejects only when aborted. `keys`, when given,
 * are the locators' cache keys from {@link ReadThrough.keyOf} (a caller that keeps them per reference passes them).
 */
export interface ReadThrough {
  (
    locators: readonly SecretLocator[],
    options?: ReadOptions,
    keys?: readonly string[],
  ): FlightOutcome[] | Promise<FlightOutcome[]>;
  /** Builds the cache key of a locator (not remembered: a caller that keeps keys per reference keeps its own). */
  keyOf(locator: SecretLocator): string;
}

const NO_OPTIONS: ReadOptions = {};

/** What one manager's read path is made of. */
export interface ReadThroughOptions {
  /** The provider that answers what no cache holds (its identity keys the entries). */
  provider: SecretProvider;
  /** The in-process store, shared by the managers of one cache (and the shared tier behind it). */
  store: CacheStore;
  /** The manager's counters, updated by each read. */
  counters: ReadCounters;
  /** The manager side of the entries this path stores. */
  owner: EntryOwner;
  /** Where the read's events go; `undefined` when nobody listens. */
  emit: Emit;
  /** Remembered `secret_not_found` / `access_denied` answers; `undefined` when `negativeTtlMs` is 0. */
  negative?: NegativeMemo | undefined;
  /** Settles once `owner.scope` is known, when the provider's shared identity is read asynchronously. */
  scopeReady?: Promise<void> | undefined;
}

/**
 * The one read path of a manager (see ARCHITECTURE.md): (1) every key fresh in the in-process tier → the values at
 * once; (2) join the fetches in flight; (3) the shared tier and its lease, then (4) the provider's batch fetch, both
 * in `startRequest`; (5) the store commits under its one invalidation rule; (6) one version per secret per read.
 * @example
 *   const read = createReadThrough({ provider, store, counters, owner, emit: undefined });
 *   const outcomes = await read([{ secretId: 'prod/db' }]);
 */
export function createReadThrough({
  provider,
  store,
  counters,
  owner,
  emit,
  negative,
  scopeReady,
}: ReadThroughOptions): ReadThrough {
  const aheadMs = store.options?.refreshAheadMs ?? 0;
  const context: RequestContext = {
    provider,
    store,
    emit,
    owner,
    scopeReady,
    aheadMs,
    onRejected: () => {
      counters.sharedRejected++;
    },
  };
  const keyOf = cacheKeyFor(provider.identity);
  const served = servedServices(provider);

  /** Step (1): the outcomes when every key is fresh, counted as hits; `undefined`, nothing counted, otherwise. */
  const fresh = (
    keys: readonly string[],
    locators: readonly SecretLocator[],
  ): FlightOutcome[] | undefined => {
    const now = Date.now();
    const { first, placeOf } = distinctKeys(keys);
    // One outcome per distinct key, shared by its repeats (outcomes are never changed, only replaced).
    const distinct: FlightOutcome[] = new Array(first.length);
    for (let place = 0; place < first.length; place++) {
      const value = store.fresh(keys[first[place]!]!, now);
      if (value === undefined) return undefined;
      distinct[place] = { ok: true, value, stale: false };
    }
    for (const index of first) {
      counters.hits++;
      emit?.({ type: 'hit', secretId: locators[index]!.secretId, tier: 'memory' });
      if (aheadMs > 0 && store.refreshDue(keys[index]!, now)) {
        startRequest(context, [{ key: keys[index]!, locator: normalizeLocator(locators[index]!) }], {
          background: true,
        });
      }
    }
    if (first.length === keys.length) {
      if (first.length > 1) oneVersionPerSecret(keys, distinct, store);
      return distinct;
    }
    if (first.length > 1) {
      oneVersionPerSecret(
        first.map((index) => keys[index]!),
        distinct,
        store,
      );
    }
    return placeOf.map((place) => distinct[place]!);
  };

  const slow = async (
    keys: readonly string[],
    locators: readonly SecretLocator[],
    { signal, refresh = false }: ReadOptions,
  ): Promise<FlightOutcome[]> => {
    const now = Date.now();
    const waits = new Map<string, Promise<FlightOutcome>>();
    const joined: InFlight[] = [];
    const join = (running: InFlight): Promise<FlightOutcome> => {
      joined.push(running);
      return store.join(running);
    };
    const missing: Missing[] = [];
    for (const index of distinctKeys(keys).first) {
      const key = keys[index]!;
      const locator = normalizeLocator(locators[index]!);
      const { secretId } = locator;
      if (!served.has(locator.service ?? 'secretsmanager')) {
        waits.set(key, Promise.resolve(unservedOutcome(provider, locator)));
        continue;
      }
      const remembered = negative && (refresh ? negative.drop(key) : negative.get(key, now));
      if (remembered) {
        counters.negativeHits++;
        emit?.({ type: 'hit', secretId, tier: 'memory', code: remembered.code });
        waits.set(key, Promise.resolve({ ok: false, error: remembered }));
        continue;
      }
      const found = refresh ? ({ state: 'miss' } as const) : store.lookup(key, now);
      if (found.state === 'fresh' || found.state === 'stale') {
        counters.hits++;
        emit?.({ type: found.state === 'fresh' ? 'hit' : 'stale', secretId, tier: 'memory' });
        if (found.state === 'fresh' && aheadMs > 0 && store.refreshDue(key, now)) {
          startRequest(context, [{ key, locator }], { background: true });
        }
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: found.state === 'stale' }));
      } else if (found.state === 'inflight') {
        // (2) One promise per key: a reader joins the fetch in flight; a failure is handed over, never kept.
        counters.hits++;
        waits.set(key, join(found.inflight));
      } else {
        counters.misses++;
        emit?.({ type: 'miss', secretId, tier: 'memory' });
        missing.push({ key, locator });
      }
    }
    // (3) + (4): current versions in one request when the provider batches, pinned versions one by one.
    const started = new Map<string, string>();
    for (const request of requestsOf(provider, missing)) {
      const running = startRequest(context, request, { refresh });
      request.forEach((item, index) => {
        started.set(item.key, item.locator.secretId);
        waits.set(item.key, join(running[index]!));
      });
    }
    const order = [...waits.keys()];
    const settled = await raceAbort(Promise.all(waits.values()), signal, () => {
      for (const running of joined) store.leave(running);
    });
    const byKey = new Map<string, FlightOutcome>();
    order.forEach((key, index) => {
      const outcome = settled[index]!;
      if (outcome.ok && outcome.stale) {
        counters.staleServed++;
        const secretId = started.get(key);
        if (secretId !== undefined) {
          counters.refreshErrors++;
          emit?.({ type: 'stale', secretId, tier: 'memory' });
        }
      }
      const secretId = started.get(key);
      if (negative !== undefined && secretId !== undefined) {
        negative.record(key, secretId, outcome.ok ? undefined : outcome.error, Date.now());
      }
      byKey.set(key, outcome);
    });
    const outcomes = keys.map((key) => byKey.get(key)!);
    // (6) One version per secret per read.
    if (byKey.size > 1) oneVersionPerSecret(keys, outcomes, store);
    return outcomes;
  };

  const read = (
    locators: readonly SecretLocator[],
    options: ReadOptions = NO_OPTIONS,
    keys: readonly string[] = locators.map(keyOf),
  ): FlightOutcome[] | Promise<FlightOutcome[]> => {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    // (1) The warm path, inline and without `await`: a read whose every key is fresh returns its values in this
    // turn, so a resolve of cached secrets costs no promise and no microtask (the warm figures of `npm run bench`).
    if (options.refresh !== true) {
      const outcomes = fresh(keys, locators);
      if (outcomes !== undefined) return outcomes;
    }
    return slow(keys, locators, options);
  };
  return Object.assign(read, { keyOf });
}

const ONLY: readonly number[] = [0];

/** Up to this many keys in one read are told apart by a scan; more get a map. */
const SCANNED_KEYS = 16;

/**
 * The one repeat detector of the cache-key space: the index of each distinct key's first occurrence, in order, and
 * for each key its place among the distinct ones.
 */
function distinctKeys(keys: readonly string[]): { first: readonly number[]; placeOf: readonly number[] } {
  if (keys.length === 1) return { first: ONLY, placeOf: ONLY };
  const first: number[] = [];
  const placeOf: number[] = new Array(keys.length);
  const seen = keys.length > SCANNED_KEYS ? new Map<string, number>() : undefined;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    let place = seen === undefined ? placeAmong(keys, first, key) : seen.get(key);
    if (place === undefined) {
      place = first.length;
      first.push(index);
      seen?.set(key, place);
    }
    placeOf[index] = place;
  }
  return { first, placeOf };
}

function placeAmong(keys: readonly string[], first: readonly number[], key: string): number | undefined {
  for (let place = 0; place < first.length; place++) if (keys[first[place]!] === key) return place;
  return undefined;
}

/** The requests for `missing`: current versions together when the provider batches and there are several. */
function requestsOf(provider: SecretProvider, missing: readonly Missing[]): Missing[][] {
  const current = provider.fetchMany ? missing.filter((item) => isCurrentLocator(item.locator)) : [];
  if (current.length < 2) return missing.map((item) => [item]);
  return [current, ...missing.filter((item) => !isCurrentLocator(item.locator)).map((item) => [item])];
}
