import { abortError, raceAbort } from '../abort.js';
import { cacheKeyFor, isCurrentLocator, normalizeLocator } from '../cache/cache-key.js';
import type { CacheStore, FlightOutcome, InFlight, Settlement } from '../cache/store.js';
import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../errors.js';
import { isParsedRef } from '../resolve/scan-memo.js';
import type { SecretLocator, SecretProvider, SecretRef } from '../types.js';
import { locatorOf } from './ref-input.js';

/** Read counters kept per manager. */
export interface ReadCounters {
  hits: number;
  misses: number;
  staleServed: number;
}

/**
 * Loads secret versions through the cache; one outcome per locator, in order. Rejects only when aborted. One
 * listener is added to `signal` per call, however many keys it waits for.
 */
export type Loader = (locators: readonly SecretLocator[], signal?: AbortSignal) => Promise<FlightOutcome[]>;

/**
 * Outcomes of keys that are all fresh in the cache (counted as hits, like the loader counts them), read
 * synchronously; `undefined`, with nothing counted, when any is not fresh or `signal` has fired.
 */
export type Peek = (keys: readonly string[], signal?: AbortSignal) => FlightOutcome[] | undefined;

/**
 * Creates the {@link Peek} of one manager: the warm path, with no promise, no fetch and no loader.
 * @example
 *   const outcomes = peek(refs.map(keyOf), signal) ?? (await load(refs.map(locatorOf), signal));
 */
export function createPeek(store: CacheStore, counters: ReadCounters): Peek {
  return (keys, signal) => {
    if (signal?.aborted) return undefined;
    const byKey = new Map<string, FlightOutcome>();
    for (const key of keys) {
      if (byKey.has(key)) continue;
      const found = store.lookup(key);
      if (found.state !== 'fresh') return undefined;
      byKey.set(key, { ok: true, value: found.value, stale: false });
    }
    counters.hits += byKey.size;
    return keys.map((key) => byKey.get(key)!);
  };
}

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

/** The provider's error as a `SecretRefError`: the library's own errors pass through unchanged. */
export function asSecretRefError(
  error: unknown,
  provider: SecretProvider,
  locator: SecretLocator,
): SecretRefError {
  if (error instanceof SecretRefError) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return new SecretRefAbortError(undefined, { cause: error });
  return new SecretFetchError(
    'provider_error',
    `The ${provider.kind} provider failed to fetch secret ${JSON.stringify(locator.secretId)}`,
    { ref: locator.secretId, cause: error },
  );
}

type InFlightStart = [string, InFlight][];

async function attempt<T>(call: () => Promise<T>): Promise<T> {
  return call();
}

/**
 * Creates the loader of one manager: fresh entries are served, keys being fetched are joined, and the rest are
 * fetched at once — current versions in one `fetchMany` call when there are several, pinned versions one by one.
 */
export function createLoader(provider: SecretProvider, store: CacheStore, counters: ReadCounters): Loader {
  const fetchOne = (key: string, locator: SecretLocator): InFlightStart => {
    const { flight, running, settle } = store.begin([key]);
    attempt(() => provider.fetch(locator, { signal: flight.controller.signal })).then(
      (payload) => settle(key, { ok: true, payload }),
      (error: unknown) => settle(key, { ok: false, error: asSecretRefError(error, provider, locator) }),
    );
    return [[key, running[0]!]];
  };

  const fetchBatch = (batch: readonly (readonly [string, SecretLocator])[]): InFlightStart => {
    const keys = batch.map(([key]) => key);
    const locators = batch.map(([, locator]) => locator);
    const { flight, running, settle } = store.begin(keys);
    attempt(() => provider.fetchMany!(locators, { signal: flight.controller.signal })).then(
      (results) => {
        batch.forEach(([key, locator], index) => {
          const result = results[index];
          let settlement: Settlement;
          if (result === undefined) {
            settlement = {
              ok: false,
              error: new SecretFetchError(
                'provider_error',
                `The ${provider.kind} provider returned no result for secret ${JSON.stringify(locator.secretId)}`,
                { ref: locator.secretId },
              ),
            };
          } else if (result.ok) {
            settlement = { ok: true, payload: result.payload };
          } else {
            settlement = { ok: false, error: asSecretRefError(result.error, provider, locator) };
          }
          settle(key, settlement);
        });
      },
      (error: unknown) => {
        batch.forEach(([key, locator]) => {
          settle(key, { ok: false, error: asSecretRefError(error, provider, locator) });
        });
      },
    );
    return keys.map((key, index) => [key, running[index]!]);
  };

  const keyOf = cacheKeyFor(provider.identity);
  return async (locators, signal) => {
    if (signal?.aborted) throw abortError(signal);
    const keys = locators.map(keyOf);
    const waits = new Map<string, Promise<FlightOutcome>>();
    const joined: InFlight[] = [];
    const join = (running: InFlight): Promise<FlightOutcome> => {
      joined.push(running);
      return store.join(running);
    };
    const missing: [string, SecretLocator][] = [];
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      const found = store.lookup(key);
      if (found.state === 'fresh') {
        counters.hits++;
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: false }));
      } else if (found.state === 'inflight') {
        counters.hits++;
        waits.set(key, join(found.inflight));
      } else {
        counters.misses++;
        missing.push([key, normalizeLocator(locators[index]!)]);
      }
    });
    const current = provider.fetchMany ? missing.filter(([, locator]) => isCurrentLocator(locator)) : [];
    const started: InFlightStart = [];
    if (current.length > 1) started.push(...fetchBatch(current));
    for (const [key, locator] of missing) {
      if (current.length > 1 && isCurrentLocator(locator)) continue;
      started.push(...fetchOne(key, locator));
    }
    for (const [key, running] of started) waits.set(key, join(running));
    const order = [...waits.keys()];
    const outcomes = await raceAbort(Promise.all(order.map((key) => waits.get(key)!)), signal, () => {
      for (const running of joined) store.leave(running);
    });
    const byKey = new Map<string, FlightOutcome>();
    order.forEach((key, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok && outcome.stale) counters.staleServed++;
      byKey.set(key, outcome);
    });
    return keys.map((key) => byKey.get(key)!);
  };
}
