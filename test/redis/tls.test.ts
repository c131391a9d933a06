import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { startTlsRedisServer, type TlsRedisServer } from '../support/redis-tls.js';
import { closeClient, FLAVOURS, type Flavour, KEY_A, until } from './helpers.js';

let server: TlsRedisServer;
beforeAll(async () => {
  server = await startTlsRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

async function tlsClient(flavour: Flavour, ca: string | undefined): Promise<unknown> {
  if (flavour === 'ioredis') {
    const client = new Redis(server.url, {
      tls: ca === undefined ? {} : { ca },
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('end', () => reject(new Error('ioredis ended')));
    });
    return client;
  }
  const client = createClient({
    url: server.url,
    socket: { reconnectStrategy: false, ...(ca === undefined ? {} : { tls: true, ca }) },
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe.each(FLAVOURS)('the Redis tier over rediss:// (%s)', (flavour) => {
  it('shares values and invalidations over TLS, its subscriber included', async () => {
    const clients = [await tlsClient(flavour, server.ca), await tlsClient(flavour, server.ca)];
    const caches = clients.map((client) =>
      createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: `tls-${flavour}` }),
    );
    try {
      await until(() => caches.every((cache) => cache.isListening()));
      let fetched = 0;
      const managers = caches.map((cache) =>
        createSecretManager(
          createMemoryProvider(
            { 'prod/db': 'pw-1' },
            {
              identity: 'tls',
              onCall: (call) => {
                fetched += call.locators.length;
              },
            },
          ),
          { cache },
        ),
      );
      expect(await managers[0]!.getSecret('prod/db')).toBe('pw-1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await managers[1]!.getSecret('prod/db')).toBe('pw-1');
      expect(fetched).toBe(1);
      let heard = 0;
      cacheStoreOf(caches[1]!)?.tier?.onInvalidate(() => heard++);
      managers[0]!.invalidate('prod/db');
      await until(() => heard > 0);
    } finally {
      for (const cache of caches) await cache.close();
      for (const client of clients) await closeClient(client);
    }
  });

  it('refuses a server whose certificate is signed by a CA it was not given', async () => {
    await expect(tlsClient(flavour, undefined)).rejects.toThrow();
  });
});
