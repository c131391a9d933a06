import { abortError, raceAbort } from '../abort.js';
import type { SecretLocator, SecretProvider } from '../types.js';
import { cacheKeyFor, isCurrentLocator, normalizeLocator } from './cache-key.js';
import { type Missing, type RequestContext, startRequest } from './fetch.js';
import { servedServices, unservedOutcome } from './services.js';
import type { CachedPayload, FlightOutcome, InFlight } from './store.js';
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
  /**
   * What a caller keeps of a read it will make again (the same keys): `undefined` unless every outcome is a fresh
   * value. See {@link ReadThrough.reuse}.
   */
  keep(
    keys: readonly string[],
    outcomes: readonly FlightOutcome[],
    locators: readonly SecretLocator[],
  ): KeptRead | undefined;
  /**
   * Step (1) again for a read kept by {@link ReadThrough.keep}: true, the hits counted, when each key's fresh value
   * is still the one that read returned (not invalidated, evicted, replaced or expired since); false, nothing
   * counted, otherwise. Those values were made one version per secret by that read, so they still are.
   */
  reuse(kept: KeptRead): boolean;
}

/** The distinct keys of a read, the value each returned and the locator that named it. */
export interface KeptRead {
  readonly keys: readonly string[];
  readonly values: readonly CachedPayload[];
  readonly locators: readonly SecretLocator[];
}

const NO_OPTIONS: ReadOptions = {};

/** What one manager's read path is made of: what its requests share, and its counters. */
interface ReadThroughOptions extends RequestContext {
  /** The manager's counters, updated by each read. */
  counters: ReadCounters;
}

/**
 * The one read path of a manager (see ARCHITECTURE.md): (1) every key fresh in the in-process tier → the values at
 * once; (2) join the fetches in flight; (3) the shared tier and its lease, then (4) the provider's batch fetch, both
 * in `startRequest`; (5) the store commits under its one invalidation rule; (6) one version per secret per read.
 * @example
 *   const read = createReadThrough({ provider, store, counters, owner, emit: undefined });
 *   const outcomes = await read([{ secretId: 'prod/db' }]);
 */
export function createReadThrough(context: ReadThroughOptions): ReadThrough {
  const { provider, store, counters, emit } = context;
  const aheadMs = store.options?.refreshAheadMs ?? 0;
  const keyOf = cacheKeyFor(provider.identity);
  const served = servedServices(provider);

  /** A read of `key` answered by the in-process tier: counted, told, and refreshed ahead when due. */
  const hit = (key: string, locator: SecretLocator, now: number): void => {
    counters.hits++;
    emit?.({ type: 'hit', secretId: locator.secretId, tier: 'memory' });
    if (aheadMs > 0 && store.refreshDue(key, now)) {
      startRequest(context, [{ key, locator: normalizeLocator(locator) }], { background: true });
    }
  };

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
    for (const index of first) hit(keys[index]!, locators[index]!, now);
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
      const found = refresh ? ({ state: 'miss' } as const) : store.lookup(key, now);
      if (found.state === 'remembered') {
        counters.negativeHits++;
        emit?.({ type: 'hit', secretId, tier: 'memory', code: found.error.code });
        waits.set(key, Promise.resolve({ ok: false, error: found.error }));
      } else if (found.state === 'fresh' || found.state === 'stale') {
        if (found.state === 'fresh') hit(key, locator, now);
        else {
          counters.hits++;
          emit?.({ type: 'stale', secretId, tier: 'memory' });
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
      const secretId = started.get(key);
      if (outcome.ok && outcome.stale) {
        counters.staleServed++;
        if (secretId !== undefined) {
          counters.refreshErrors++;
          emit?.({ type: 'stale', secretId, tier: 'memory' });
        }
      }
      byKey.set(key, outcome);
    });
    // A read past the caches that got its answer makes what this process keeps or is fetching of those secrets
    // under their other id forms older than what it read: dropped as an invalidation drops them (a fetch of theirs
    // still in flight is not stored), its own keys kept. A refresh that failed leaves everything as it was.
    if (refresh) {
      const keep = [...started.keys()];
      for (const [key, secretId] of started) {
        const outcome = byKey.get(key);
        if (outcome === undefined || !outcome.ok || outcome.stale) continue;
        store.invalidate({ identity: provider.identity, secretId, keep });
      }
    }
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
  const keep = (
    keys: readonly string[],
    outcomes: readonly FlightOutcome[],
    locators: readonly SecretLocator[],
  ): KeptRead | undefined => {
    const values: CachedPayload[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok || outcome.stale) return undefined;
      values.push(outcome.value);
    }
    const { first } = distinctKeys(keys);
    return {
      keys: first.map((index) => keys[index]!),
      values: first.map((index) => values[index]!),
      locators: first.map((index) => locators[index]!),
    };
  };
  const reuse = ({ keys, values, locators }: KeptRead): boolean => {
    const now = Date.now();
    for (let index = 0; index < keys.length; index++) {
      if (store.fresh(keys[index]!, now) !== values[index]) return false;
    }
    for (let index = 0; index < keys.length; index++) hit(keys[index]!, locators[index]!, now);
    return true;
  };
  return Object.assign(read, { keyOf, keep, reuse });
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
