import { describe, expect, it } from 'vitest';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { closeClient, connectClient, FLAVOURS, KEY_A, rawClient, until, useRedisServer } from './helpers.js';

const redis = useRedisServer();

async function clientCount(): Promise<number> {
  const raw = await rawClient(redis().url);
  const list = String(await raw.command(['CLIENT', 'LIST']));
  await raw.close();
  return list.trim().split('\n').length - 1; // less the raw client itself
}

describe.each(FLAVOURS)('close() (%s)', (flavour) => {
  it('closes the subscriber it opened and leaves your client open', async () => {
    const client = await connectClient(flavour, redis().url);
    const before = await clientCount();
    const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: 'close' });
    await until(() => cache.isListening());
    expect(await clientCount()).toBe(before + 1);
    await cache.close();
    expect(cache.isListening()).toBe(false);
    await until(async () => (await clientCount()) === before);
    const alive = await (client as { ping(): Promise<string> }).ping();
    expect(alive).toBe('PONG');
    await closeClient(client);
  });

  it('leaves a subscriber you gave open, unsubscribed from its channel', async () => {
    const client = await connectClient(flavour, redis().url);
    const subscriber = await connectClient(flavour, redis().url);
    const cache = createRedisSecretCache({ client, subscriber, encryptionKey: KEY_A, namespace: 'close' });
    await until(() => cache.isListening());
    const raw = await rawClient(redis().url);
    expect(await raw.command(['PUBSUB', 'NUMSUB', 'secret-refs:{close}:bus'])).toEqual([
      'secret-refs:{close}:bus',
      1,
    ]);
    await cache.close();
    await until(async () => {
      const [, count] = (await raw.command(['PUBSUB', 'NUMSUB', 'secret-refs:{close}:bus'])) as [
        string,
        number,
      ];
      return count === 0;
    });
    await raw.close();
    await closeClient(subscriber);
    await closeClient(client);
  });

  it('returns within about a second when Redis does not answer the unsubscribe of a subscriber you gave', async () => {
    const client = await connectClient(flavour, redis().url);
    const subscriber = await connectClient(flavour, redis().url);
    const cache = createRedisSecretCache({ client, subscriber, encryptionKey: KEY_A, namespace: 'close' });
    await until(() => cache.isListening());
    redis().pause();
    const began = performance.now();
    const closing = cache.close().then(() => performance.now() - began);
    // Resumed after 3 s whatever happens, so that a close that waits for Redis fails here and not in the next test.
    const tookMs = await Promise.race([
      closing,
      new Promise<number>((resolve) => setTimeout(resolve, 3_000, Number.POSITIVE_INFINITY)),
    ]);
    redis().resume();
    await closing;
    expect(tookMs).toBeLessThan(2_500);
    expect(cache.isListening()).toBe(false);
    await closeClient(subscriber);
    await closeClient(client);
  });
});
