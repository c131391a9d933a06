import { type ResolvedSecretCacheOptions, resolveCacheOptions, type SecretCacheOptions } from './options.js';
import { type CacheStore, createCacheStore } from './store.js';

/**
 * A cache that several managers can share: one LRU bound for all of them. Keys include the provider identity,
 * so managers with different credentials or regions never see each other's entries.
 * @example
 *   const cache = createSecretCache();
 *   cache.clear();
 */
export interface SecretCache {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedSecretCacheOptions;
  /** Entries held now, for every provider identity. */
  readonly size: number;
  /** Drops every entry, for every manager that shares this cache. */
  clear(): void;
}

const stores = new WeakMap<SecretCache, CacheStore>();

/**
 * Creates a cache to pass as the `cache` option of one or more managers. Options are checked at once.
 * @example
 *   const cache = createSecretCache({ ttlMs: 60_000, maxSize: 500 });
 *   const eu = createSecretManager(createAwsProvider({ region: 'eu-west-1' }), { cache });
 *   const us = createSecretManager(createAwsProvider({ region: 'us-east-1' }), { cache });
 */
export function createSecretCache(options: SecretCacheOptions = {}): SecretCache {
  const resolved = resolveCacheOptions(options);
  const store = createCacheStore(resolved);
  const cache: SecretCache = Object.freeze({
    options: resolved,
    get size() {
      return store.count('');
    },
    clear() {
      store.invalidate('');
    },
    toJSON() {
      return { options: resolved };
    },
  });
  stores.set(cache, store);
  return cache;
}

/** The store behind a cache made by {@link createSecretCache}, or `undefined` for any other value. */
export function cacheStoreOf(cache: unknown): CacheStore | undefined {
  return typeof cache === 'object' && cache !== null ? stores.get(cache as SecretCache) : undefined;
}
