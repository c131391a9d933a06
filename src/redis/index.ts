/**
 * `secret-refs/redis`: a cache whose second tier is an encrypted, shared store in Redis, with invalidations that
 * reach every process. No Redis package is imported: pass your own node-redis or ioredis client.
 */
import { buildSecretCache, type SecretCache } from '../cache/create-secret-cache.js';
import { createCacheStore } from '../cache/store.js';
import { SecretRefConfigError } from '../errors.js';
import { connectionOf } from './client.js';
import { type RedisSecretCacheOptions, resolveRedisOptions } from './options.js';
import { createRedisTier, type FleetInvalidation } from './redis-tier.js';
import { subscriberOf } from './subscriber.js';

export type { RedisSecretCacheOptions } from './options.js';
export type { FleetInvalidation } from './redis-tier.js';

/**
 * A {@link SecretCache} with a shared tier in Redis: pass it as `cache` wherever `createSecretCache()` goes.
 * @example
 *   const cache: RedisSecretCache = createRedisSecretCache({ client, encryptionKey });
 *   await cache.invalidateSecret('prod/db'); // every process, every scope
 */
export interface RedisSecretCache extends SecretCache {
  /**
   * Drops one secret, by any id form it was read by (name, full or partial ARN), in every scope: in Redis and,
   * over pub/sub, in every process. Resolves with what Redis recorded: the entries deleted, the processes that
   * received the message, and whether any process reading the namespace uses this key ({@link FleetInvalidation}).
   * Rejects (code `timeout` or `network`) when Redis did not record it; it is then kept and sent again once Redis
   * answers.
   */
  invalidateSecret(secretId: string): Promise<FleetInvalidation>;
  /**
   * Drops every entry of the namespace, in Redis and in every process (the operator's "clear the cache"). Resolves
   * as `invalidateSecret` does (`removed` is 0: the namespace's entries become unreadable at once, not deleted).
   */
  clearNamespace(): Promise<FleetInvalidation>;
  /**
   * True while this process listens for invalidations. While it does not, shared values are kept in-process for
   * a second at most, and when the subscription comes back every in-process copy is dropped.
   */
  isListening(): boolean;
  /**
   * Stops listening; the subscriber connection the caches over your `client` share is closed with the last of
   * them (a `subscriber` you gave is left open). Your `client` stays open.
   */
  close(): Promise<void>;
}

/**
 * Creates a cache with an in-process LRU in front of an encrypted, shared tier in Redis. Options are checked at
 * once (`SecretRefConfigError` naming the option). Redis never makes a read fail: down, paused or flushed, reads go
 * to the provider within `operationTimeoutMs`, and the cache recovers by itself.
 * @example
 *   import { createClient } from 'redis';
 *   import { createRedisSecretCache } from 'secret-refs/redis';
 *   const client = await createClient({ url: process.env.REDIS_URL }).connect();
 *   const cache = createRedisSecretCache({ client, encryptionKey: process.env.SECRET_CACHE_KEY! });
 *   const manager = createAwsSecretsManager({ region: 'eu-west-1', accessKeyId, secretAccessKey, cache });
 */
export function createRedisSecretCache(options: RedisSecretCacheOptions): RedisSecretCache {
  const resolved = resolveRedisOptions(options);
  const connection = connectionOf(options.client, 'client');
  const subscriber = subscriberOf(options.client, options.subscriber, connection);
  const tier = createRedisTier({
    connection,
    subscriber,
    keys: resolved.keys,
    namespace: resolved.namespace,
    scope: resolved.scope,
    ttlMs: resolved.cache.ttlMs,
    jitter: resolved.cache.jitter,
    leaseMs: resolved.leaseMs,
    operationTimeoutMs: resolved.operationTimeoutMs,
    maxScopes: resolved.cache.maxSize,
  });
  const store = createCacheStore(resolved.cache, tier);
  return buildSecretCache(resolved.cache, store, {
    invalidateSecret: async (secretId: string) => {
      if (typeof secretId !== 'string' || secretId === '') {
        throw new SecretRefConfigError('secretId', '`secretId` must be a non-empty secret name or ARN');
      }
      return tier.invalidateEverywhere(secretId);
    },
    clearNamespace: () => tier.clearNamespace(),
    isListening: () => tier.listening,
    close: () => tier.close(),
  }) as RedisSecretCache;
}
