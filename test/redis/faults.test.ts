import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { expectNoCanary } from '../support/canary.js';
import {
  closeClient,
  connectClient,
  FLAVOURS,
  flushRedis,
  isMiss,
  KEY_A,
  makeCache,
  type TestCache,
  until,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();

describe.each(FLAVOURS)('Redis faults never fail a read (%s)', (flavour) => {
  const open: TestCache[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  afterEach(async () => {
    redis().resume();
    await Promise.all(open.splice(0).map((cache) => cache.close()));
    expect(unhandled).toEqual([]);
  });
  const setup = async () => {
    const cache = await makeCache(flavour, redis().url, {
      namespace: `faults-${flavour}`,
      operationTimeoutMs: 150,
    });
    open.push(cache);
    const provider = createMemoryProvider({ db: 'v1', api: 'a1' }, { identity: 'faults' });
    return { cache, provider, manager: createSecretManager(provider, { cache: cache.cache }) };
  };

  it('killed: reads go to the provider at once; restarted: the tier and the bus come back by themselves', async () => {
    const { cache, provider, manager } = await setup();
    expect(await manager.getSecret('db')).toBe('v1');
    await redis().kill();
    await until(() => !cache.cache.isListening());
    await until(() => cache.heard.some((message) => message.scope === undefined));
    manager.invalidate('db');
    expect(await manager.getSecret('db')).toBe('v1');
    expect(await manager.getSecret('api')).toBe('a1');
    expect(provider.apiCalls()).toBe(3);
    const drops = cache.heard.length;
    await redis().restart();
    await until(() => cache.cache.isListening(), 10_000);
    // Back on the bus: what was missed meanwhile is unknown, so every copy is dropped once more.
    expect(cache.heard.length).toBeGreaterThan(drops);
    const scope = cache.tier.scopeOf(provider) as string;
    // The tier answers again (after its backoff): a commit lands and a later read hits.
    await until(async () => {
      const [read] = await cache.tier.read(scope, [{ secretId: 'recovered' }]);
      if (isMiss(read)) read.commit({ secretString: 'r' });
      return read?.hit === true;
    }, 15_000);
  });

  it('down when the cache is made: it subscribes once Redis is back, and hears invalidations', async () => {
    const client = await connectClient(flavour, redis().url);
    await redis().kill();
    const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: `faults-${flavour}` });
    const heard: unknown[] = [];
    cacheStoreOf(cache)?.tier?.onInvalidate((message) => heard.push(message));
    const provider = createMemoryProvider({ db: 'v1' }, { identity: 'faults' });
    const manager = createSecretManager(provider, { cache });
    expect(await manager.getSecret('db')).toBe('v1');
    expect(cache.isListening()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await redis().restart();
    await until(() => cache.isListening(), 15_000);
    const other = await setup();
    other.manager.invalidate('db');
    await until(() => heard.length > 0, 5_000);
    await cache.close();
    await closeClient(client);
  });

  it('paused (SIGSTOP): reads answer within the operation timeout, then skip Redis until it answers again', async () => {
    const { cache, provider, manager } = await setup();
    const scope = cache.tier.scopeOf(provider) as string;
    expect(await manager.getSecret('db')).toBe('v1');
    redis().pause();
    const [first] = await cache.tier.read(scope, [{ secretId: 'api' }]);
    expect(first?.hit).toBe(false);
    expect(await manager.getSecret('api')).toBe('a1');
    redis().resume();
    await until(async () => {
      const [read] = await cache.tier.read(scope, [{ secretId: 'after-pause' }]);
      if (isMiss(read)) read.commit({ secretString: 'p' });
      return read?.hit === true;
    }, 15_000);
  });

  it('killed while a read waits on it: the read goes to the provider once the client loses its connection, not at the bound', async () => {
    // The client as users make it, with its defaults: ioredis keeps a command sent before a crash for its
    // reconnection (up to 20 retries), node-redis may queue one behind its reconnection.
    const client =
      flavour === 'ioredis'
        ? new Redis(redis().url)
        : await createClient({ url: redis().url })
            .on('error', () => {})
            .connect();
    if (client instanceof Redis) {
      client.on('error', () => {});
      await new Promise((resolve) => client.once('ready', resolve));
    }
    const cache = createRedisSecretCache({
      client,
      encryptionKey: KEY_A,
      namespace: `faults-lost-${flavour}`,
      operationTimeoutMs: 5_000,
    });
    const provider = createMemoryProvider({ db: 'v1' }, { identity: 'faults-lost' });
    const manager = createSecretManager(provider, { cache });
    try {
      await until(() => cache.isListening());
      redis().pause();
      const reading = manager.getSecret('db');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(provider.apiCalls()).toBe(0);
      const killedAt = Date.now();
      await redis().kill();
      expect(await reading).toBe('v1');
      expect(Date.now() - killedAt).toBeLessThan(1_500);
      expect(provider.apiCalls()).toBe(1);
    } finally {
      await cache.close();
      await closeClient(client);
      await redis().restart();
    }
  });

  it('an invalidation made while Redis is paused is kept and delivered once it answers', async () => {
    const { cache, provider, manager } = await setup();
    const other = await setup();
    expect(await manager.getSecret('db')).toBe('v1');
    expect(await other.manager.getSecret('db')).toBe('v1');
    const scope = cache.tier.scopeOf(provider) as string;
    redis().pause();
    const refused = await cache.cache.invalidateSecret('db').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'timeout' });
    expectNoCanary(refused);
    manager.invalidate('db');
    redis().resume();
    await until(() => other.cache.heard.length >= 2, 15_000);
    expect(other.cache.heard.every((message) => message.matches('db', undefined))).toBe(true);
    const [read] = await cache.tier.read(scope, [{ secretId: 'db' }]);
    expect(read?.hit).toBe(false);
  });

  it('flushed: a miss, and the next commit makes a new generation', async () => {
    const { cache, provider, manager } = await setup();
    expect(await manager.getSecret('db')).toBe('v1');
    await flushRedis(redis().url);
    const scope = cache.tier.scopeOf(provider) as string;
    const [read] = await cache.tier.read(scope, [{ secretId: 'db' }]);
    expect(read?.hit).toBe(false);
    if (isMiss(read)) read.commit({ secretString: 'v1' });
    await until(async () => (await cache.tier.read(scope, [{ secretId: 'db' }]))[0]!.hit);
  });
});

describe('a client that connects lazily', () => {
  it('ioredis with lazyConnect connects on the tier’s probe, and the tier then answers', async () => {
    const client = new Redis(redis().url, { lazyConnect: true });
    client.on('error', () => {});
    const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: 'lazy' });
    const tier = cacheStoreOf(cache)!.tier!;
    const scope = tier.scopeOf(createMemoryProvider({}, { identity: 'lazy' })) as string;
    expect((await tier.read(scope, [{ secretId: 'db' }]))[0]?.hit).toBe(false);
    await until(async () => {
      const [read] = await tier.read(scope, [{ secretId: 'db' }]);
      if (isMiss(read)) read.commit({ secretString: 'v' });
      return read?.hit === true;
    }, 10_000);
    await cache.close();
    client.disconnect();
  });
});
