import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { describe, expect, it } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { CANARY } from '../support/canary.js';

// Clients that are never connected: option checks happen before any I/O.
const ioredis = new Redis({ lazyConnect: true });
const nodeRedis = createClient();
const encryptionKey = Buffer.alloc(32, 1).toString('base64');

function refusal(options: unknown): SecretRefConfigError {
  try {
    createRedisSecretCache(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretRefConfigError);
    return error as SecretRefConfigError;
  }
  throw new Error('expected a SecretRefConfigError');
}

describe('createRedisSecretCache options', () => {
  it.each([
    [{ encryptionKey }, 'client'],
    [{ client: {}, encryptionKey }, 'client'],
    [{ client: ioredis }, 'encryptionKey'],
    [{ client: ioredis, encryptionKey: 'short' }, 'encryptionKey'],
    [{ client: ioredis, encryptionKey: new Uint8Array(16) }, 'encryptionKey'],
    [{ client: ioredis, encryptionKey: [] }, 'encryptionKey'],
    [{ client: ioredis, encryptionKey: [encryptionKey, 42] }, 'encryptionKey[1]'],
    [{ client: ioredis, encryptionKey, namespace: 'a:b' }, 'namespace'],
    [{ client: ioredis, encryptionKey, namespace: '' }, 'namespace'],
    [{ client: ioredis, encryptionKey, scope: '' }, 'scope'],
    [{ client: ioredis, encryptionKey, leaseMs: -1 }, 'leaseMs'],
    [{ client: ioredis, encryptionKey, operationTimeoutMs: 0 }, 'operationTimeoutMs'],
    [{ client: ioredis, encryptionKey, ttlMs: Number.NaN }, 'options.ttlMs'],
    [{ client: ioredis, encryptionKey, subscriber: 'x' }, 'subscriber'],
    [{ client: ioredis, encryptionKey, ttl: 5 }, 'options.ttl'],
  ])('refuses %o, naming %s', (options, option) => {
    expect(refusal(options).option).toBe(option);
  });

  it('accepts Redis Cluster clients of both kinds, and refuses a separate subscriber beside one', async () => {
    const ioCluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    const nodeCluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] });
    for (const client of [ioCluster, nodeCluster]) {
      const cache = createRedisSecretCache({ client, encryptionKey });
      expect(cache.isListening()).toBe(false);
      await cache.close();
      expect(refusal({ client, encryptionKey, subscriber: ioredis }).option).toBe('subscriber');
    }
    expect(refusal({ client: ioredis, encryptionKey, subscriber: ioCluster }).option).toBe('subscriber');
    ioCluster.disconnect();
  });

  it('never quotes a rejected key', () => {
    const error = refusal({ client: nodeRedis, encryptionKey: CANARY });
    expect(error.message).not.toContain(CANARY);
    expect(error.message).toContain(`${CANARY.length} characters`);
  });

  it('accepts both clients, base64 and base64url keys, bytes and a rotation list', () => {
    const url = Buffer.alloc(32, 250).toString('base64url');
    for (const client of [ioredis, nodeRedis]) {
      const cache = createRedisSecretCache({
        client,
        encryptionKey: [url, new Uint8Array(32), encryptionKey],
        namespace: 'app.prod-1',
        leaseMs: 0,
      });
      expect(cache.options.ttlMs).toBe(300_000);
      expect(JSON.stringify(cache)).not.toContain(url);
      void cache.close();
    }
  });
});
