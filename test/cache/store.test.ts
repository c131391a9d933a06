import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { createCacheStore, type FlightItem } from '../../src/cache/store.js';
import type { SharedInvalidation, SharedTier } from '../../src/cache/tier.js';
import { SecretFetchError } from '../../src/errors.js';
import { limitedController, watchListenerWarnings } from '../support/listener-warnings.js';

const leakWarnings = watchListenerWarnings();

function items(...keys: string[]): FlightItem[] {
  return keys.map((key) => ({ key, owner: { identity: 'test' }, secretId: key, spec: '' }));
}

describe('createCacheStore: flights', () => {
  it('(the watcher itself) sees the warning a signal limited to 10 listeners gives past them', async () => {
    const { signal } = limitedController();
    for (let index = 0; index < 11; index++) signal.addEventListener('abort', () => undefined);
    expect(await leakWarnings()).toHaveLength(1);
  });

  it('gives each request an internal signal without a listener limit (sub-requests may share it)', async () => {
    const store = createCacheStore(undefined);
    const { flight } = store.begin(items('a', 'b'));
    for (let index = 0; index < 50; index++)
      flight.controller.signal.addEventListener('abort', () => undefined);
    expect(await leakWarnings()).toEqual([]);
  });

  it('aborts and forgets a request only when its last reader leaves', () => {
    const store = createCacheStore(undefined);
    const { flight, running } = store.begin(items('a', 'b'));
    void store.join(running[0]!);
    void store.join(running[1]!);
    void store.join(running[0]!);
    expect(flight.waiters).toBe(3);
    store.leave(running[0]!);
    store.leave(running[1]!);
    expect(flight.controller.signal.aborted).toBe(false);
    expect(store.lookup('a').state).toBe('inflight');
    store.leave(running[0]!);
    expect(flight.controller.signal.aborted).toBe(true);
    expect(store.lookup('a').state).toBe('miss');
    expect(store.lookup('b').state).toBe('miss');
  });

  it('hands every reader the settled outcome', async () => {
    const store = createCacheStore(undefined);
    const { running, settle } = store.begin(items('a'));
    const first = store.join(running[0]!);
    const second = store.join(running[0]!);
    settle('a', { ok: true, payload: { secretString: 'x' } });
    await expect(first).resolves.toMatchObject({ ok: true, stale: false });
    await expect(second).resolves.toMatchObject({ ok: true, value: { payload: { secretString: 'x' } } });
  });
});

describe('createCacheStore: the commit rule', () => {
  it('a bus invalidation that names the secret only by its answer stops the commit of the one fetch in flight', () => {
    // Prepare: a tier whose bus the test drives; one fetch, read by an ARN, is the only flight
    let hear: (message: SharedInvalidation) => void = () => undefined;
    const tier: SharedTier = {
      scopeOf: () => 'scope',
      read: async () => [],
      invalidate: async () => undefined,
      onInvalidate(listener) {
        hear = listener;
        return () => undefined;
      },
    };
    const store = createCacheStore(resolveCacheOptions({ ttlMs: 60_000 }), tier);
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
    const { settle } = store.begin([
      { key: 'k', owner: { identity: 'test', scope: 'scope' }, secretId: arn, spec: '' },
    ]);

    // Act: the message names "db", which only the answer (its name) shows to be this secret
    hear({ scope: 'scope', matches: (_secretId, payload) => payload?.name === 'db' });
    settle('k', { ok: true, payload: { secretString: 'old', name: 'db', arn, versionId: '1' } });

    // Assess
    expect(store.lookup('k').state).toBe('miss');
  });
});

describe('createCacheStore: error backoff', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an entry that adopts a newer version of its secret keeps its error backoff (served stale, no new try yet)', () => {
    // Prepare
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createCacheStore(resolveCacheOptions({ ttlMs: 1_000, staleIfErrorMs: 60_000, jitter: 0 }));
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
    store.begin(items('a')).settle('a', { ok: true, payload: { secretString: 'v1', arn, versionId: '1' } });
    vi.advanceTimersByTime(2_000);
    const throttled = new SecretFetchError('throttled', 'slow down', { transient: true });
    store.begin(items('a')).settle('a', { ok: false, error: throttled });
    const before = store.lookup('a', Date.now());
    store.begin(items('b')).settle('b', { ok: true, payload: { secretString: 'v2', arn, versionId: '2' } });
    const newer = store.lookup('b', Date.now());
    if (newer.state !== 'fresh') throw new Error('expected a fresh entry');

    // Act
    store.adopt('a', newer.value);

    // Assess
    expect(before.state).toBe('stale');
    const after = store.lookup('a', Date.now());
    expect(after.state).toBe('stale');
    expect(after.state === 'stale' && after.value.payload.secretString).toBe('v2');
  });
});
