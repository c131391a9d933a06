import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import type { SharedInvalidation, SharedMiss, SharedRead, SharedTier } from '../../src/cache/tier.js';
import {
  createRedisSecretCache,
  type RedisSecretCache,
  type RedisSecretCacheOptions,
} from '../../src/redis/index.js';
import type { SecretLocator, SecretProvider } from '../../src/types.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

export type Flavour = 'node-redis' | 'ioredis';
export const FLAVOURS: Flavour[] = ['node-redis', 'ioredis'];

/** A raw client for the test itself (inspecting and tampering with Redis), either flavour. */
export interface RawClient {
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Connects a client of `flavour` that retries quickly, so fault tests recover fast. */
export async function connectClient(flavour: Flavour, url: string): Promise<unknown> {
  if (flavour === 'ioredis') {
    const client = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('end', () => reject(new Error('ioredis ended')));
    });
    return client;
  }
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Closes a client of either flavour, whatever its state. */
export async function closeClient(client: unknown): Promise<void> {
  const any = client as { quit?: () => Promise<unknown>; destroy?: () => void; disconnect?: () => void };
  try {
    if (client instanceof Redis) client.disconnect();
    else any.destroy?.();
  } catch {
    // already closed
  }
}

export async function rawClient(url: string): Promise<RawClient> {
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  return {
    command: (args) => client.sendCommand(args),
    close: async () => {
      client.destroy();
    },
  };
}

/** One Redis server for the file, started before its tests and stopped after. */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server is not running');
    return server;
  };
}

export const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
export const KEY_B = Buffer.alloc(32, 0xb2).toString('base64');

/** A cache over a fresh client, its tier, and a way to close both. */
export interface TestCache {
  cache: RedisSecretCache;
  tier: SharedTier;
  client: unknown;
  heard: SharedInvalidation[];
  close(): Promise<void>;
}

export async function makeCache(
  flavour: Flavour,
  url: string,
  options: Partial<RedisSecretCacheOptions> = {},
): Promise<TestCache> {
  const client = await connectClient(flavour, url);
  const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: 'test', ...options });
  const tier = cacheStoreOf(cache)?.tier;
  if (!tier) throw new Error('the cache has no tier');
  const heard: SharedInvalidation[] = [];
  tier.onInvalidate((message) => heard.push(message));
  await until(() => cache.isListening());
  return {
    cache,
    tier,
    client,
    heard,
    async close() {
      await cache.close();
      await closeClient(client);
    },
  };
}

/** Deletes every key on the server at `url`. */
export async function flushRedis(url: string): Promise<void> {
  const raw = await rawClient(url);
  await raw.command(['FLUSHALL']);
  await raw.close();
}

/**
 * Caches of `flavour` over the file's server for one `describe` block, opened with `defaults` under the options
 * given: after each test Redis is flushed, then every cache opened is closed.
 * @example
 *   const cache = useCaches(redis, 'ioredis', { namespace: 'tier' });
 *   const [a, b] = [await cache(), await cache({ leaseMs: 200 })];
 */
export function useCaches(
  redis: () => RedisServer,
  flavour: Flavour,
  defaults: Partial<RedisSecretCacheOptions>,
): (options?: Partial<RedisSecretCacheOptions>) => Promise<TestCache> {
  const open: TestCache[] = [];
  afterEach(async () => {
    await flushRedis(redis().url);
    await Promise.all(open.splice(0).map((made) => made.close()));
  });
  return async (options = {}) => {
    const made = await makeCache(flavour, redis().url, { ...defaults, ...options });
    open.push(made);
    return made;
  };
}

/** Waits (polling) until `check` holds; throws after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A miss to fetch and commit (not a hit, and not a wait on another process's lease). */
export function isMiss(read: SharedRead | undefined): read is SharedMiss {
  return read !== undefined && !read.hit && !('waiting' in read);
}

/** Every key and value in Redis, and their text, for leak checks. */
export async function dumpRedis(raw: RawClient): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = (await raw.command(['SCAN', cursor, 'COUNT', '1000'])) as [string, string[]];
    cursor = next;
    for (const key of keys) {
      parts.push(key);
      const type = String(await raw.command(['TYPE', key]));
      const reads: Record<string, string[]> = {
        string: ['GET', key],
        set: ['SMEMBERS', key],
        hash: ['HGETALL', key],
        zset: ['ZRANGE', key, '0', '-1'],
      };
      const read = reads[type];
      if (read) parts.push(JSON.stringify(await raw.command(read)));
      const dump = await raw.command(['DUMP', key]);
      if (typeof dump === 'string') parts.push(dump);
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

/**
 * A provider shared under `identity`, answering `value(secretId)` after `delayMs` — with `fetchMany` too when
 * `batching`, so that a read of several secrets is one shared read — and counting its calls.
 */
export function countingProvider(
  identity: string,
  delayMs: number,
  value: (secretId: string) => string = () => 'pw-1',
  batching = false,
): SecretProvider & { calls: number } {
  const answer = async (locator: SecretLocator) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { secretString: value(locator.secretId), name: locator.secretId };
  };
  const made = {
    kind: 'memory',
    identity,
    calls: 0,
    sharedIdentity: (digest: (text: string) => string) => digest(identity),
    async fetch(locator: SecretLocator) {
      made.calls++;
      return answer(locator);
    },
    ...(batching
      ? {
          async fetchMany(locators: readonly SecretLocator[]) {
            made.calls++;
            return Promise.all(
              locators.map(async (locator) => ({ ok: true as const, payload: await answer(locator) })),
            );
          },
        }
      : {}),
    apiCalls: () => made.calls,
  };
  return made;
}
