import { abortError, raceAbort } from '../abort.js';
import { cacheKeyFor, isCurrentLocator, normalizeLocator } from '../cache/cache-key.js';
import type { CacheStore, FlightItem, FlightOutcome, InFlight, Settlement } from '../cache/store.js';
import type { SharedRead } from '../cache/tier.js';
import { isParsedRef } from '../resolve/scan-memo.js';
import type { SecretLocator, SecretProvider, SecretRef } from '../types.js';
import { asSecretRefError, checkFetchResult, checkPayload, malformed } from './provider-answer.js';
import { locatorOf } from './ref-input.js';
import { oneVersionPerSecret, versionSpec } from './versions.js';

/** Read counters kept per manager. */
export interface ReadCounters {
  hits: number;
  misses: number;
  staleServed: number;
  refreshErrors: number;
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
 * Creates the {@link Peek} of one manager: the warm path, with no promise, no fetch and no loader; one clock read
 * per call, however many keys.
 * @example
 *   const outcomes = peek(refs.map(keyOf), signal) ?? (await load(refs.map(locatorOf), signal));
 */
export function createPeek(store: CacheStore, counters: ReadCounters): Peek {
  return (keys, signal) => {
    if (signal?.aborted) return undefined;
    const now = Date.now();
    const outcomes: FlightOutcome[] = new Array(keys.length);
    let distinct = 0;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const value = store.fresh(key, now);
      if (value === undefined) return undefined;
      if (keys.indexOf(key) === index) distinct++;
      outcomes[index] = { ok: true, value, stale: false };
    }
    counters.hits += distinct;
    if (distinct > 1) oneVersionPerSecret(keys, outcomes, store);
    return outcomes;
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

export { asSecretRefError } from './provider-answer.js';

type Missing = { key: string; locator: SecretLocator };

/**
 * Creates the loader of one manager: fresh entries are served (and stale ones while a failed refresh backs off),
 * keys being fetched are joined, and the rest are fetched in one request: first from the shared tier when the
 * store has one and the provider is shared (`scope`), then from the provider — current versions in one
 * `fetchMany` call when there are several, pinned versions one by one. Whatever the provider answers, every key
 * is settled exactly once, with a payload or a typed error. Within one call, one secret is seen at one version.
 */
export function createLoader(
  provider: SecretProvider,
  store: CacheStore,
  counters: ReadCounters,
  scope?: string,
): Loader {
  const { identity } = provider;
  const tier = scope === undefined ? undefined : store.tier;

  const fetchFromProvider = async (
    missing: readonly Missing[],
    signal: AbortSignal,
    settle: (item: Missing, answer: Settlement) => void,
  ): Promise<void> => {
    const batched = missing.length > 1 && provider.fetchMany ? missing : [];
    const single = batched.length > 0 ? [] : missing;
    const jobs: Promise<void>[] = single.map(async (item) => {
      try {
        const payload: unknown = await provider.fetch(item.locator, { signal });
        settle(item, checkPayload(payload, provider, item.locator));
      } catch (error) {
        settle(item, { ok: false, error: asSecretRefError(error, provider, item.locator) });
      }
    });
    if (batched.length > 0) {
      jobs.push(
        (async () => {
          const locators = batched.map((item) => item.locator);
          try {
            const results: unknown = await provider.fetchMany!(locators, { signal });
            const list = Array.isArray(results) ? results : undefined;
            batched.forEach((item, index) => {
              settle(
                item,
                list === undefined
                  ? {
                      ok: false,
                      error: malformed(provider, item.locator, '`fetchMany` did not resolve with an array'),
                    }
                  : index < list.length
                    ? checkFetchResult(list[index], provider, item.locator)
                    : {
                        ok: false,
                        error: malformed(provider, item.locator, '`fetchMany` gave no result for it'),
                      },
              );
            });
          } catch (error) {
            for (const item of batched) {
              settle(item, { ok: false, error: asSecretRefError(error, provider, item.locator) });
            }
          }
        })(),
      );
    }
    await Promise.all(jobs);
  };

  /** One request: a batch of current versions, or one secret version alone. */
  const start = (missing: readonly Missing[]): InFlight[] => {
    const items: FlightItem[] = missing.map(({ key, locator }) => ({
      key,
      identity,
      secretId: locator.secretId,
      spec: versionSpec(locator),
    }));
    const { flight, running, settle } = store.begin(items);
    const { signal } = flight.controller;
    const settleItem = (item: Missing, answer: Settlement): void => settle(item.key, answer);
    (async () => {
      if (tier !== undefined) {
        const reads = await readTier(scope!, missing, signal);
        const rest: Missing[] = [];
        const tickets = new Map<Missing, Extract<SharedRead, { hit: false }>>();
        missing.forEach((item, index) => {
          const read = reads?.[index];
          if (read?.hit === true) {
            const checked = checkPayload(read.payload, provider, item.locator);
            if (checked.ok) {
              settleItem(item, { ...checked, freshForMs: Number(read.freshForMs) || 0 });
              return;
            }
          } else if (read?.hit === false) {
            tickets.set(item, read);
          }
          rest.push(item);
        });
        const shared = (item: Missing, answer: Settlement): void => {
          const ticket = tickets.get(item);
          try {
            if (ticket !== undefined && answer.ok) ticket.commit(answer.payload);
            else ticket?.release();
          } catch {}
          settleItem(item, answer);
        };
        await fetchFromProvider(rest, signal, shared);
        return;
      }
      await fetchFromProvider(missing, signal, settleItem);
    })()
      .catch(() => undefined)
      .finally(() => {
        for (const item of missing) {
          settleItem(item, {
            ok: false,
            error: malformed(provider, item.locator, 'no answer was given for it'),
          });
        }
      });
    return running;
  };

  const readTier = async (
    tierScope: string,
    missing: readonly Missing[],
    signal: AbortSignal,
  ): Promise<readonly SharedRead[] | undefined> => {
    try {
      const reads = await tier!.read(
        tierScope,
        missing.map((item) => item.locator),
        signal,
      );
      return Array.isArray(reads) ? reads : undefined;
    } catch {
      return undefined;
    }
  };

  const keyOf = cacheKeyFor(identity);
  return async (locators, signal) => {
    if (signal?.aborted) throw abortError(signal);
    const now = Date.now();
    const keys = locators.map(keyOf);
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
      const found = store.lookup(key, now);
      if (found.state === 'fresh') {
        counters.hits++;
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: false }));
      } else if (found.state === 'stale') {
        counters.hits++;
        waits.set(key, Promise.resolve({ ok: true, value: found.value, stale: true }));
      } else if (found.state === 'inflight') {
        counters.hits++;
        waits.set(key, join(found.inflight));
      } else {
        counters.misses++;
        missing.push({ key, locator: normalizeLocator(locators[index]!) });
      }
    });
    const current = provider.fetchMany ? missing.filter((item) => isCurrentLocator(item.locator)) : [];
    const requests = current.length > 1 ? [current] : [];
    for (const item of missing)
      if (!(current.length > 1 && isCurrentLocator(item.locator))) requests.push([item]);
    const started = new Set<string>();
    for (const request of requests) {
      for (const item of request) started.add(item.key);
      const running = start(request);
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
      if (outcome.ok && outcome.stale) {
        counters.staleServed++;
        if (started.has(key)) counters.refreshErrors++;
      }
      byKey.set(key, outcome);
    });
    const outcomes = keys.map((key) => byKey.get(key)!);
    if (byKey.size > 1) oneVersionPerSecret(keys, outcomes, store);
    return outcomes;
  };
}
