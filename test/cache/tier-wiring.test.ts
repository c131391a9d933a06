import { describe, expect, it, vi } from 'vitest';
import { buildSecretCache } from '../../src/cache/create-secret-cache.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { createCacheStore } from '../../src/cache/store.js';
import type {
  SharedHit,
  SharedInvalidation,
  SharedMiss,
  SharedRead,
  SharedTier,
} from '../../src/cache/tier.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretLocator, SecretPayload, SecretProvider } from '../../src/types.js';

/** A shared tier in plain memory: one "Redis" for several "processes" (stores), with a bus between them. */
function createFakeFleet() {
  const entries = new Map<string, SecretPayload>();
  const listeners = new Set<(message: SharedInvalidation) => void>();
  const log: string[] = [];
  const keyOf = (scope: string, locator: SecretLocator) =>
    JSON.stringify([scope, locator.secretId, locator.versionStage ?? null, locator.versionId ?? null]);
  const tier = (process: string): SharedTier => {
    const mine = new Set<(message: SharedInvalidation) => void>();
    return {
      scopeOf: (provider: SecretProvider) => provider.sharedIdentity?.((text) => `h(${text})`, undefined),
      async read(scope, locators): Promise<SharedRead[]> {
        return locators.map((locator) => {
          const payload = entries.get(keyOf(scope, locator));
          if (payload) return { hit: true, payload, freshForMs: 1_000 };
          return {
            hit: false,
            commit: (fetched: SecretPayload) => {
              log.push(`${process} commit ${locator.secretId}`);
              entries.set(keyOf(scope, locator), fetched);
            },
            release: () => log.push(`${process} release ${locator.secretId}`),
          };
        });
      },
      async invalidate(scope, secretId) {
        for (const key of [...entries.keys()]) {
          const [entryScope, id] = JSON.parse(key) as [string, string];
          if (entryScope === scope && (secretId === undefined || id === secretId)) entries.delete(key);
        }
        for (const listener of listeners) {
          if (mine.has(listener)) continue;
          listener({ scope, matches: (id) => secretId === undefined || id === secretId });
        }
      },
      onInvalidate(listener) {
        listeners.add(listener);
        mine.add(listener);
        return () => listeners.delete(listener);
      },
    };
  };
  const cacheFor = (process: string) => {
    const options = resolveCacheOptions({});
    return buildSecretCache(options, createCacheStore(options, tier(process)));
  };
  return { entries, cacheFor, log, listeners };
}

describe('the shared tier, as the manager reads through it', () => {
  it('a value fetched by one process is read by another from the tier, without a provider call', async () => {
    const fleet = createFakeFleet();
    const first = createMemoryProvider({ db: 'v1' }, { identity: 'shared-db' });
    const second = createMemoryProvider({ db: 'v1' }, { identity: 'shared-db' });
    const one = createSecretManager(first, { cache: fleet.cacheFor('one') });
    const two = createSecretManager(second, { cache: fleet.cacheFor('two') });
    expect(await one.getSecret('db')).toBe('v1');
    expect(await two.getSecret('db')).toBe('v1');
    expect(first.apiCalls()).toBe(1);
    expect(second.apiCalls()).toBe(0);
    expect(fleet.log).toEqual(['one commit db']);
  });

  it('one invalidate drops the entry in the tier and in the other process', async () => {
    const fleet = createFakeFleet();
    const provider = createMemoryProvider({ db: 'v1' }, { identity: 'shared-db' });
    const one = createSecretManager(provider, { cache: fleet.cacheFor('one') });
    const two = createSecretManager(provider, { cache: fleet.cacheFor('two') });
    await one.getSecret('db');
    await two.getSecret('db');
    provider.setSecret('db', 'v2');
    one.invalidate('db');
    expect(fleet.entries.size).toBe(0);
    expect(await two.getSecret('db')).toBe('v2');
  });

  it('a lost subscription (scope undefined) drops every shared in-process copy', async () => {
    const fleet = createFakeFleet();
    const provider = createMemoryProvider({ db: 'v1' }, { identity: 'shared-db' });
    const cache = fleet.cacheFor('one');
    const manager = createSecretManager(provider, { cache });
    await manager.getSecret('db');
    expect(cache.size).toBe(1);
    for (const listener of fleet.listeners) listener({ scope: undefined, matches: () => true });
    expect(cache.size).toBe(0);
  });

  it('a failed fetch releases the lease and writes nothing', async () => {
    const fleet = createFakeFleet();
    const provider = createMemoryProvider({}, { identity: 'shared-db' });
    const manager = createSecretManager(provider, { cache: fleet.cacheFor('one') });
    await expect(manager.getSecret('missing')).rejects.toMatchObject({ code: 'secret_not_found' });
    expect(fleet.log).toEqual(['one release missing']);
    expect(fleet.entries.size).toBe(0);
  });

  it('a tier that answers garbage or throws is a miss: the read goes to the provider', async () => {
    for (const read of [
      async () => {
        throw new Error('redis down');
      },
      async () => 'garbage',
      async () => [{ hit: true, payload: { secretString: 42 } }],
      async () => [{ hit: false, waiting: Promise.reject(new Error('redis down')) }],
      async () => [{ hit: false, waiting: 'not a promise' }],
      // A wait's answer is never another wait.
      async () => [
        {
          hit: false,
          waiting: Promise.resolve({
            hit: false,
            waiting: Promise.resolve({ hit: true, payload: { secretString: 'other' }, freshForMs: 1_000 }),
          }),
        },
      ],
    ]) {
      const options = resolveCacheOptions({});
      const tier: SharedTier = {
        scopeOf: () => 'scope',
        read: read as never,
        invalidate: () => {
          throw new Error('redis down');
        },
        onInvalidate: () => () => undefined,
      };
      const provider = createMemoryProvider({ db: 'v1' });
      const manager = createSecretManager(provider, {
        cache: buildSecretCache(options, createCacheStore(options, tier)),
      });
      expect(await manager.getSecret('db')).toBe('v1');
      expect(provider.apiCalls()).toBe(1);
      expect(() => manager.invalidate('db')).not.toThrow();
    }
  });

  it('an entry answered as a wait is fetched only when its wait ends in a miss, after what the read holds', async () => {
    const options = resolveCacheOptions({});
    const committed: string[] = [];
    const miss = (secretId: string): SharedRead => ({
      hit: false,
      commit: () => committed.push(secretId),
      release: () => undefined,
    });
    let settleFilled!: (read: SharedHit | SharedMiss) => void;
    let settleReleased!: (read: SharedHit | SharedMiss) => void;
    const tier: SharedTier = {
      scopeOf: () => 'scope',
      read: async (_scope, locators) =>
        locators.map((locator): SharedRead => {
          if (locator.secretId === 'held') return miss('held');
          const waiting = new Promise<SharedHit | SharedMiss>((resolve) => {
            if (locator.secretId === 'filled') settleFilled = resolve;
            else settleReleased = resolve;
          });
          return { hit: false, waiting };
        }),
      invalidate: async () => undefined,
      onInvalidate: () => () => undefined,
    };
    const provider = createMemoryProvider({ held: 'h', filled: 'from-provider', released: 'r' });
    const manager = createSecretManager(provider, {
      cache: buildSecretCache(options, createCacheStore(options, tier)),
    });
    const reading = manager.getSecrets(['held', 'filled', 'released']);
    // What the read holds is fetched and committed while the others are still waited on.
    await vi.waitFor(() => expect(committed).toEqual(['held']));
    expect(provider.apiCalls()).toBe(1);
    settleFilled({ hit: true, payload: { secretString: 'from-holder' }, freshForMs: 1_000 });
    settleReleased(miss('released') as SharedMiss);
    const results = await reading;
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'h',
      'from-holder',
      'r',
    ]);
    expect(provider.apiCalls()).toBe(2);
    expect(committed).toEqual(['held', 'released']);
  });

  it('a read past the caches hands the tier the mark it took before its fetch, and writes nothing back without one', async () => {
    for (const mark of [
      async () => ({ epoch: 'e1', seq: '7' }),
      async () => undefined,
      async () => {
        throw new Error('redis down');
      },
    ]) {
      const options = resolveCacheOptions({});
      const calls: string[] = [];
      const provider = createMemoryProvider({ db: 'v1' });
      const tier: SharedTier = {
        scopeOf: () => 'scope',
        read: async (_scope, locators) => locators.map(() => ({ hit: false, commit() {}, release() {} })),
        mark: async (scope) => {
          calls.push(`mark ${scope} after ${provider.apiCalls()} calls`);
          return mark();
        },
        invalidate: async (_scope, secretId, replacement) => {
          calls.push(`invalidate ${secretId} ${JSON.stringify(replacement?.since)}`);
        },
        onInvalidate: () => () => undefined,
      };
      const manager = createSecretManager(provider, {
        cache: buildSecretCache(options, createCacheStore(options, tier)),
      });
      expect(await manager.getSecret('db', { refresh: true })).toBe('v1');
      const since = await mark().catch(() => undefined);
      expect(calls).toStrictEqual(['mark scope after 0 calls', `invalidate db ${JSON.stringify(since)}`]);
    }
  });

  it('a provider without a shared identity skips the tier', async () => {
    const fleet = createFakeFleet();
    const provider = createMemoryProvider({ db: 'v1' });
    const manager = createSecretManager(provider, { cache: fleet.cacheFor('one') });
    await manager.getSecret('db');
    expect(fleet.log).toEqual([]);
  });
});
