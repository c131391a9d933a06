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

/** Where a cache keeps its store: a symbol from the global registry, so the `secret-refs/redis` entry point (a bundle of
its own) makes caches the root's managers read. Not enumerable: logging a cache shows no store. */
const STORE = Symbol.for('secret-refs.cache-store');

/**
 * Creates a cache to pass as the `cache` option of one or more managers. Options are checked at once.
 * @example
 *   const cache = createSecretCache({ ttlMs: 60_000, maxSize: 500 });
 *   const eu = createSecretManager(createAwsProvider({ region: 'eu-west-1' }), { cache });
 *   const us = createSecretManager(createAwsProvider({ region: 'us-east-1' }), { cache });
 */
export function createSecretCache(options: SecretCacheOptions = {}): SecretCache {
  const resolved = resolveCacheOptions(options);
  return buildSecretCache(resolved, createCacheStore(resolved));
}

/**
 * The cache object around a store: `options`, `size`, `clear()`, plus whatever `extra` adds (the Redis cache's
 * `close()`), frozen. Used by {@link createSecretCache} and by `createRedisSecretCache`.
 * @internal
 */
export function buildSecretCache<Extra extends object = object>(
  resolved: ResolvedSecretCacheOptions,
  store: CacheStore,
  extra?: Extra,
): SecretCache & Extra {
  const cache = {
    ...extra,
    options: resolved,
    get size() {
      return store.count('');
    },
    clear() {
      store.invalidate({});
    },
    toJSON() {
      return { options: resolved };
    },
  };
  Object.defineProperty(cache, STORE, { value: store, enumerable: false });
  return Object.freeze(cache) as unknown as SecretCache & Extra;
}

/** The store behind a cache made by {@link createSecretCache}, or `undefined` for any other value. */
export function cacheStoreOf(cache: unknown): CacheStore | undefined {
  if (typeof cache !== 'object' || cache === null || !Object.hasOwn(cache, STORE)) return undefined;
  const store = (cache as { [STORE]?: unknown })[STORE];
  return typeof store === 'object' && store !== null ? (store as CacheStore) : undefined;
}
