import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretCache } from '../../src/cache/create-secret-cache.js';
import { SecretFetchError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider, type MemoryProviderCall } from '../../src/provider/memory.js';
import { parseSecretJson } from '../../src/ref/json-text.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

vi.mock('../../src/ref/json-text.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ref/json-text.js')>();
  return { ...real, parseSecretJson: vi.fn(real.parseSecretJson) };
});

const TTL = 60_000;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('createSecretManager caching', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('merges 100 concurrent reads of one secret into one fetch', async () => {
    const provider = createMemoryProvider({ db: CANARY });
    const manager = createSecretManager(provider);
    const values = await Promise.all(Array.from({ length: 100 }, () => manager.getSecret('db')));
    expect(new Set(values)).toEqual(new Set([CANARY]));
    expect(provider.apiCalls()).toBe(1);
    expect(manager.stats()).toMatchObject({ hits: 99, misses: 1, apiCalls: 1, size: 1 });
  });

  it('serves from the cache within the TTL and fetches again after it', async () => {
    const provider = createMemoryProvider({ db: 'v1' });
    const manager = createSecretManager(provider, { cache: { ttlMs: TTL, jitter: 0 } });
    await manager.getSecret('db');
    provider.setSecret('db', 'v2');
    vi.advanceTimersByTime(TTL - 1);
    expect(await manager.getSecret('db')).toBe('v1');
    expect(provider.apiCalls()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await manager.getSecret('db')).toBe('v2');
    expect(provider.apiCalls()).toBe(2);
  });

  it('invalidates a secret read under its name, its full ARN and its partial ARN, by any of them', async () => {
    // Prepare
    const provider = createMemoryProvider({ db: 'v1', 'db-other': 'x' });
    const manager = createSecretManager(provider);
    await manager.getSecret('db');
    const arn = (await collect(provider.listSecrets())).find((secret) => secret.name === 'db')!.arn!;
    const partialArn = arn.slice(0, -7);
    await manager.getSecret(arn);
    await manager.getSecret(partialArn);
    await manager.getSecret('db-other');
    expect(manager.stats().size).toBe(4);

    // Act: invalidate by the name only
    manager.invalidate('db');

    // Assess: every id of `db` is dropped, `db-other` (whose name merely starts alike) stays
    expect(manager.stats().size).toBe(1);
    provider.setSecret('db', 'v2');
    expect(await manager.getSecret(arn)).toBe('v2');
    expect(await manager.getSecret(partialArn)).toBe('v2');
    expect(await manager.getSecret('db-other')).toBe('x');
    manager.invalidate(arn);
    expect(manager.stats().size).toBe(1);
  });

  it('fetches again after invalidate, for every version of that secret only', async () => {
    const provider = createMemoryProvider({
      db: { versions: [{ value: 'old', stages: ['AWSPREVIOUS'] }, { value: 'new' }] },
      other: 'x',
    });
    const manager = createSecretManager(provider);
    await manager.getSecret('db');
    await manager.getSecret('db::AWSPREVIOUS');
    await manager.getSecret('other');
    expect(manager.stats().size).toBe(3);
    manager.invalidate('{{resolve:secretsmanager:db}}');
    expect(manager.stats().size).toBe(1);
    await manager.getSecret('other');
    expect(provider.apiCalls()).toBe(3);
    await manager.getSecret('db');
    await manager.getSecret('db::AWSPREVIOUS');
    expect(provider.apiCalls()).toBe(5);
    manager.invalidate();
    expect(manager.stats().size).toBe(0);
    await manager.getSecret('other');
    expect(provider.apiCalls()).toBe(6);
  });

  it('keeps stages and version ids apart, and treats an explicit AWSCURRENT as the current version', async () => {
    const provider = createMemoryProvider({
      db: {
        versions: [
          { value: 'old', versionId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', stages: ['AWSPREVIOUS'] },
          { value: 'new', versionId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
        ],
      },
    });
    const manager = createSecretManager(provider);
    expect(await manager.getSecret({ secretId: 'db' })).toBe('new');
    expect(await manager.getSecret({ secretId: 'db', versionStage: 'AWSCURRENT' })).toBe('new');
    expect(provider.apiCalls()).toBe(1);
    expect(await manager.getSecret({ secretId: 'db', versionStage: 'AWSPREVIOUS' })).toBe('old');
    expect(
      await manager.getSecret({ secretId: 'db', versionId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' }),
    ).toBe('old');
    expect(
      await manager.getSecret({ secretId: 'db', versionId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' }),
    ).toBe('new');
    expect(provider.apiCalls()).toBe(4);
    expect(manager.stats().size).toBe(4);
  });

  it('does not cache failures: a failure then a success costs two calls', async () => {
    let fail = true;
    const provider = createMemoryProvider(
      { db: CANARY },
      {
        onCall: () => {
          if (fail)
            throw new SecretFetchError('access_denied', 'Access denied to secret "db"', { ref: 'db' });
        },
      },
    );
    const manager = createSecretManager(provider);
    const error = await manager.getSecret('db').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'access_denied' });
    expectNoCanary(error);
    fail = false;
    expect(await manager.getSecret('db')).toBe(CANARY);
    expect(provider.apiCalls()).toBe(2);
  });

  describe('stale-if-error', () => {
    const setup = () => {
      let failure: SecretFetchError | undefined;
      const provider = createMemoryProvider(
        { db: CANARY },
        {
          onCall: () => {
            if (failure) throw failure;
          },
        },
      );
      const manager = createSecretManager(provider, {
        cache: { ttlMs: TTL, staleIfErrorMs: 10_000, jitter: 0 },
      });
      return { provider, manager, fail: (error: SecretFetchError | undefined) => (failure = error) };
    };

    it('serves the expired value on a transient error within the bound, and counts it', async () => {
      const { manager, fail, provider } = setup();
      await manager.getSecret('db');
      vi.advanceTimersByTime(TTL + 9_999);
      fail(new SecretFetchError('throttled', 'Rate exceeded'));
      expect(await manager.getSecret('db')).toBe(CANARY);
      expect(await manager.getSecret('db')).toBe(CANARY);
      expect(manager.stats()).toMatchObject({ staleServed: 2 });
      // The second read falls in the error backoff after the first failure: served stale without a call.
      expect(provider.apiCalls()).toBe(2);
    });

    it('surfaces the transient error once the bound has passed', async () => {
      const { manager, fail } = setup();
      await manager.getSecret('db');
      vi.advanceTimersByTime(TTL + 10_000);
      fail(new SecretFetchError('network', 'Network error reaching the endpoint'));
      const error = await manager.getSecret('db').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'network', transient: true });
      expectNoCanary(error);
      expect(manager.stats().staleServed).toBe(0);
    });

    it('surfaces a non-transient error at once and drops the stale value', async () => {
      const { manager, fail } = setup();
      await manager.getSecret('db');
      vi.advanceTimersByTime(TTL + 1);
      fail(new SecretFetchError('secret_not_found', 'Secret "db" was not found', { ref: 'db' }));
      const error = await manager.getSecret('db').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'secret_not_found' });
      expectNoCanary(error);
      fail(new SecretFetchError('timeout', 'Timed out'));
      await expect(manager.getSecret('db')).rejects.toMatchObject({ code: 'timeout' });
      expect(manager.stats()).toMatchObject({ staleServed: 0, size: 0 });
    });

    it('does nothing when staleIfErrorMs is 0', async () => {
      const provider = createMemoryProvider(
        { db: 'v' },
        {
          onCall: () => {
            if (provider.apiCalls() > 1) throw new SecretFetchError('throttled', 'Rate exceeded');
          },
        },
      );
      const manager = createSecretManager(provider, { cache: { ttlMs: TTL, staleIfErrorMs: 0, jitter: 0 } });
      await manager.getSecret('db');
      vi.advanceTimersByTime(TTL);
      await expect(manager.getSecret('db')).rejects.toMatchObject({ code: 'throttled' });
    });
  });

  it('spreads expiries with jitter so entries do not all refresh together', async () => {
    const names = Array.from({ length: 100 }, (_, index) => `s${index}`);
    const provider = createMemoryProvider(Object.fromEntries(names.map((name) => [name, name])));
    const manager = createSecretManager(provider, { cache: { ttlMs: 100_000, jitter: 0.1 } });
    await Promise.all(names.map((name) => manager.getSecret(name)));
    const refreshedAfter = async (ms: number): Promise<number> => {
      vi.advanceTimersByTime(ms);
      const before = provider.apiCalls();
      await Promise.all(names.map((name) => manager.getSecret(name)));
      return provider.apiCalls() - before;
    };
    expect(provider.apiCalls()).toBe(100);
    expect(await refreshedAfter(89_999)).toBe(0);
    const midway = await refreshedAfter(5_001);
    expect(midway).toBeGreaterThan(10);
    expect(midway).toBeLessThan(90);
  });

  it('never stores or serves as fresh a fetch that began before invalidate', async () => {
    const gate = deferred();
    const calls: MemoryProviderCall[] = [];
    const provider = createMemoryProvider(
      { db: 'old' },
      {
        onCall: async (call) => {
          calls.push(call);
          if (calls.length === 1) await gate.promise;
        },
      },
    );
    const manager = createSecretManager(provider);
    const early = manager.getSecret('db');
    await vi.advanceTimersByTimeAsync(0);
    manager.invalidate('db');
    provider.setSecret('db', 'new');
    expect(await manager.getSecret('db')).toBe('new');
    provider.setSecret('db', 'read-by-the-early-fetch');
    gate.resolve();
    expect(await early).toBe('read-by-the-early-fetch');
    expect(await manager.getSecret('db')).toBe('new');
    expect(provider.apiCalls()).toBe(2);
  });

  it('parses a JSON secret once per fetched value, however many keys are read', async () => {
    const text = JSON.stringify({ user: 'app', password: CANARY, port: 5432 });
    const provider = createMemoryProvider({ db: text });
    const manager = createSecretManager(provider);
    const parse = vi.mocked(parseSecretJson);
    const parsesOfSecret = () => parse.mock.calls.filter(([input]) => input === text).length;
    await manager.getSecret('db:user');
    await manager.getSecret('db:password');
    await manager.getSecrets([
      { secretId: 'db', jsonKey: 'port' },
      { secretId: 'db', jsonKey: 'user' },
    ]);
    expect(await manager.listJsonKeys('db')).toEqual(['user', 'password', 'port']);
    expect(parsesOfSecret()).toBe(1);
    manager.invalidate('db');
    expect(await manager.getSecret('db:port')).toBe('5432');
    expect(parsesOfSecret()).toBe(2);
  });

  it('with cache: false fetches every time but still merges concurrent reads', async () => {
    const provider = createMemoryProvider({ db: 'v' });
    const manager = createSecretManager(provider, { cache: false });
    await Promise.all([manager.getSecret('db'), manager.getSecret('db'), manager.getSecret('db')]);
    expect(provider.apiCalls()).toBe(1);
    await manager.getSecret('db');
    expect(provider.apiCalls()).toBe(2);
    expect(manager.stats().size).toBe(0);
  });

  it('evicts the least recently used entries beyond maxSize', async () => {
    const provider = createMemoryProvider({ a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' });
    const manager = createSecretManager(provider, { cache: { maxSize: 2 } });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await manager.getSecret(name);
    expect(manager.stats().size).toBeLessThanOrEqual(4);
    const before = provider.apiCalls();
    await manager.getSecret('a');
    expect(provider.apiCalls()).toBe(before + 1);
  });

  it('shares one cache between managers without mixing provider identities', async () => {
    const cache = createSecretCache({ maxSize: 10 });
    const first = createMemoryProvider({ db: 'first' }, { identity: 'memory:one' });
    const second = createMemoryProvider({ db: 'second' }, { identity: 'memory:two' });
    const twin = createMemoryProvider({ db: 'twin' }, { identity: 'memory:one' });
    const managers = [first, second, twin].map((provider) => createSecretManager(provider, { cache }));
    expect(await managers[0]!.getSecret('db')).toBe('first');
    expect(await managers[1]!.getSecret('db')).toBe('second');
    expect(await managers[2]!.getSecret('db')).toBe('first');
    expect(twin.apiCalls()).toBe(0);
    expect(cache.size).toBe(2);
    expect(managers[1]!.stats().size).toBe(1);
    managers[0]!.invalidate();
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(JSON.stringify(cache)).toBe(JSON.stringify({ options: cache.options }));
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
