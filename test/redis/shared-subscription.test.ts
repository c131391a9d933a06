import { afterEach, describe, expect, it } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import type { SharedInvalidation } from '../../src/cache/tier.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache, type RedisSecretCache } from '../../src/redis/index.js';
import {
  closeClient,
  connectClient,
  FLAVOURS,
  type Flavour,
  KEY_A,
  KEY_B,
  rawClient,
  until,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const provider = createMemoryProvider({}, { identity: 'sharing' });

/** Subscribers of the channel of `namespace`, as Redis counts them (one per connection). */
async function subscribers(namespace: string): Promise<number> {
  const raw = await rawClient(redis().url);
  const [, count] = (await raw.command(['PUBSUB', 'NUMSUB', `secret-refs:{${namespace}}:bus`])) as [
    string,
    number,
  ];
  await raw.close();
  return count;
}

/** Connections to the server, less the one that asks. */
async function connections(): Promise<number> {
  const raw = await rawClient(redis().url);
  const list = String(await raw.command(['CLIENT', 'LIST']));
  await raw.close();
  return list.trim().split('\n').length - 1;
}

interface Tier {
  cache: RedisSecretCache;
  heard: SharedInvalidation[];
  read(secretId: string): Promise<unknown>;
}

describe.each(FLAVOURS)('tiers over one client share one subscription (%s)', (flavour: Flavour) => {
  const clients: unknown[] = [];
  const caches: RedisSecretCache[] = [];
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await Promise.all(clients.splice(0).map(closeClient));
    const raw = await rawClient(redis().url);
    await raw.command(['FLUSHALL']);
    await raw.close();
  });

  async function client(): Promise<unknown> {
    const made = await connectClient(flavour, redis().url);
    clients.push(made);
    return made;
  }

  async function tier(over: unknown, namespace: string, encryptionKey = KEY_A): Promise<Tier> {
    const cache = createRedisSecretCache({ client: over, encryptionKey, namespace });
    caches.push(cache);
    const shared = cacheStoreOf(cache)!.tier!;
    const heard: SharedInvalidation[] = [];
    shared.onInvalidate((message) => heard.push(message));
    await until(() => cache.isListening());
    return {
      cache,
      heard,
      read: (secretId) => shared.read(shared.scopeOf(provider) as string, [{ secretId }]),
    };
  }

  const heardSecret = (made: Tier, secretId: string): boolean =>
    made.heard.some((message) => message.matches(secretId, undefined));

  it('tiers over one client open one subscriber connection, and each hears the invalidations', async () => {
    const shared = await client();
    const before = await connections();
    const [a, b, c] = [await tier(shared, 'one'), await tier(shared, 'one'), await tier(shared, 'one')];
    expect(await subscribers('one')).toBe(1);
    expect(await connections()).toBe(before + 1);

    const operator = await tier(await client(), 'one');
    await a.read('prod/db'); // the namespace begins (its epoch, its key marker)
    const told = await operator.cache.invalidateSecret('prod/db');
    // One process listens besides the operator's, however many tiers it holds.
    expect(told).toMatchObject({ processes: 1, keyInUse: 'yes' });
    await until(() => [a, b, c].every((made) => heardSecret(made, 'prod/db')));
  });

  it('closing one of two tiers over a client leaves the other listening on the same subscription', async () => {
    const shared = await client();
    const [a, b] = [await tier(shared, 'leave'), await tier(shared, 'leave')];
    expect(await subscribers('leave')).toBe(1);
    await a.cache.close();
    expect(a.cache.isListening()).toBe(false);
    expect(b.cache.isListening()).toBe(true);
    expect(await subscribers('leave')).toBe(1);

    const operator = await tier(await client(), 'leave');
    await operator.cache.invalidateSecret('prod/db');
    await until(() => heardSecret(b, 'prod/db'));
    expect(a.heard).toEqual([]);
  });

  it('the last tier to close closes the shared subscriber, and a tier opened afterwards subscribes again', async () => {
    const shared = await client();
    const before = await connections();
    const [a, b] = [await tier(shared, 'last'), await tier(shared, 'last')];
    expect(await subscribers('last')).toBe(1);
    await b.cache.close();
    await a.cache.close();
    await until(async () => (await subscribers('last')) === 0);
    await until(async () => (await connections()) === before);

    const again = await tier(shared, 'last');
    expect(await subscribers('last')).toBe(1);
    const operator = await tier(await client(), 'last');
    await operator.cache.invalidateSecret('prod/db');
    await until(() => heardSecret(again, 'prod/db'));
  });

  it('tiers of two namespaces over one client subscribe once per namespace and hear only their own', async () => {
    const shared = await client();
    const [a1, a2, b] = [
      await tier(shared, 'ns-a'),
      await tier(shared, 'ns-a', KEY_B),
      await tier(shared, 'ns-b'),
    ];
    expect(await subscribers('ns-a')).toBe(1);
    expect(await subscribers('ns-b')).toBe(1);

    const operatorA = await tier(await client(), 'ns-a', KEY_B);
    await operatorA.cache.invalidateSecret('prod/db');
    // Told under KEY_B: the tier holding it hears it, the one under KEY_A cannot verify it and drops nothing.
    await until(() => heardSecret(a2, 'prod/db'));
    const operatorB = await tier(await client(), 'ns-b');
    await operatorB.cache.invalidateSecret('prod/api');
    await until(() => heardSecret(b, 'prod/api'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a1.heard).toEqual([]);
    expect(a2.heard.some((message) => message.matches('prod/api', undefined))).toBe(false);
    expect(b.heard.some((message) => message.matches('prod/db', undefined))).toBe(false);
  });

  it('a lost shared subscription is told to every tier over the client, and each listens again when it is back', async () => {
    const shared = await client();
    const [a, b] = [await tier(shared, 'lost'), await tier(shared, 'lost')];
    expect(await subscribers('lost')).toBe(1);
    const raw = await rawClient(redis().url);
    await raw.command(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await raw.close();
    // Each drops every copy it holds (it cannot know what it missed), then listens again.
    await until(() => a.heard.length > 0 && b.heard.length > 0);
    for (const made of [a, b]) expect(made.heard[0]!.scope).toBeUndefined();
    await until(
      async () => a.cache.isListening() && b.cache.isListening() && (await subscribers('lost')) === 1,
    );
    const before = [a.heard.length, b.heard.length];

    const operator = await tier(await client(), 'lost');
    await operator.cache.invalidateSecret('prod/db');
    await until(() => a.heard.length > before[0]! && b.heard.length > before[1]!);
    expect(heardSecret(a, 'prod/db') && heardSecret(b, 'prod/db')).toBe(true);
  });
});
