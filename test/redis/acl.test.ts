import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { KEY_A, rawClient, until, useRedisServer } from './helpers.js';

const redis = useRedisServer();

/** The ACL the README recommends: the namespace's keys and channel, and the few commands the tier sends. */
const COMMANDS = [
  'evalsha eval ping hello subscribe unsubscribe info', // the clients' own (ioredis's ready check uses INFO)
  'get set del pttl pexpire hget hset hsetnx hincrby sadd smembers zadd zcard zrange zrangebyscore', // the scripts'
  'zremrangebyrank publish strlen mget exists hexists',
].join(' ');
const RULES = [
  'on',
  '>fleet-password',
  '~secret-refs:{orders}:*',
  '&secret-refs:{orders}:bus',
  '-@all',
  ...COMMANDS.split(' ').map((command) => `+${command}`),
];

describe('under a Redis ACL limited to the namespace', () => {
  it('the tier works for both clients, and the user can touch nothing outside its namespace', async () => {
    const raw = await rawClient(redis().url);
    await raw.command(['ACL', 'SETUSER', 'fleet', ...RULES]);
    await raw.command(['SET', 'other-app:key', 'theirs']);
    const url = `redis://fleet:fleet-password@127.0.0.1:${redis().port}`;
    const nodeRedis = createClient({ url });
    const ioredis = new Redis(url);
    nodeRedis.on('error', () => {});
    ioredis.on('error', () => {});
    await nodeRedis.connect();
    const caches = [nodeRedis, ioredis].map((client) =>
      createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: 'orders' }),
    );
    try {
      await until(() => caches.every((cache) => cache.isListening()));
      const provider = createMemoryProvider({ db: 'v1' }, { identity: 'orders' });
      const [one, two] = caches.map((cache) => createSecretManager(provider, { cache }));
      expect(await one!.getSecret('db')).toBe('v1');
      await until(async () => {
        const calls = provider.apiCalls();
        await two!.getSecret('db');
        two!.invalidate('db');
        return provider.apiCalls() === calls;
      });
      await caches[0]!.clearNamespace();
      await expect(nodeRedis.sendCommand(['GET', 'other-app:key'])).rejects.toThrow(/NOPERM/);
      const sneaky = "return redis.call('GET', 'other-app:key')";
      await expect(nodeRedis.sendCommand(['EVAL', sneaky, '0'])).rejects.toThrow(/NOPERM|can't/);
    } finally {
      await Promise.all(caches.map((cache) => cache.close()));
      nodeRedis.destroy();
      ioredis.disconnect();
      await raw.close();
    }
  });
});
