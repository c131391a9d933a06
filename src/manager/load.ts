import { abortError } from '../abort.js';
import { cacheKey, isCurrentLocator, normalizeLocator } from '../cache/cache-key.js';
import type { CacheStore, FlightOutcome, InFlight, Settlement } from '../cache/store.js';
import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../errors.js';
import type { SecretLocator, SecretProvider } from '../types.js';

/** Read counters kept per manager. */
export interface ReadCounters {
  hits: number;
  misses: number;
  staleServed: number;
}

/** Loads secret versions through the cache; one outcome per locator, in order. Rejects only when aborted. */
export type Loader = (locators: readonly SecretLocator[], signal?: AbortSignal) => Promise<FlightOutcome[]>;

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

  return async (locators, signal) => {
    if (signal?.aborted) throw abortError(signal);
    const keys = locators.map((locator) => cacheKey(provider.identity, locator));
    const waits = new Map<string, Promise<FlightOutcome>>();
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
        waits.set(key, store.join(found.inflight, signal));
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
    for (const [key, running] of started) waits.set(key, store.join(running, signal));
    const order = [...waits.keys()];
    const outcomes = await Promise.all(order.map((key) => waits.get(key)!));
    const byKey = new Map<string, FlightOutcome>();
    order.forEach((key, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok && outcome.stale) counters.staleServed++;
      byKey.set(key, outcome);
    });
    return keys.map((key) => byKey.get(key)!);
  };
}
