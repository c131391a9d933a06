import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_BACKOFF_MAX_MS, errorBackoffMs } from '../../src/cache/backoff.js';
import { SecretFetchError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { CANARY } from '../support/canary.js';

const TTL = 60_000;

function setup() {
  let failure: Error | undefined;
  const provider = createMemoryProvider(
    { db: CANARY },
    {
      onCall: () => {
        if (failure) throw failure;
      },
    },
  );
  const manager = createSecretManager(provider, { cache: { ttlMs: TTL, jitter: 0 } });
  return { provider, manager, fail: (error: Error | undefined) => (failure = error) };
}

describe('stale-if-error backs off instead of paying the retry budget on every read', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('five reads during an outage cost one request, not five, and are counted', async () => {
    // Prepare
    const { provider, manager, fail } = setup();
    await manager.getSecret('db');
    vi.advanceTimersByTime(TTL);
    fail(new SecretFetchError('throttled', 'Rate exceeded'));

    // Act
    for (let read = 0; read < 5; read++) expect(await manager.getSecret('db')).toBe(CANARY);

    // Assess
    expect(provider.apiCalls()).toBe(2);
    expect(manager.stats()).toMatchObject({ staleServed: 5, refreshErrors: 1 });
  });

  it('the next try comes after the backoff, and the backoff grows while failures go on', async () => {
    const { provider, manager, fail } = setup();
    await manager.getSecret('db');
    vi.advanceTimersByTime(TTL);
    fail(new SecretFetchError('network', 'Network error'));
    await manager.getSecret('db');
    expect(provider.apiCalls()).toBe(2);
    vi.advanceTimersByTime(1_000);
    await manager.getSecret('db');
    expect(provider.apiCalls()).toBe(3);
    // The second failure waits 1–2 s: 999 ms later is still inside it
    vi.advanceTimersByTime(999);
    await manager.getSecret('db');
    expect(provider.apiCalls()).toBe(3);
    vi.advanceTimersByTime(1_001);
    fail(undefined);
    provider.setSecret('db', 'rotated');
    expect(await manager.getSecret('db')).toBe('rotated');
    expect(provider.apiCalls()).toBe(4);
    expect(manager.stats().refreshErrors).toBe(2);
  });

  it('getSecrets during the backoff serves the stale value without a call', async () => {
    const { provider, manager, fail } = setup();
    await manager.getSecrets(['db']);
    vi.advanceTimersByTime(TTL);
    fail(new SecretFetchError('timeout', 'Timed out'));
    await manager.getSecrets(['db']);
    const results = await manager.getSecrets(['db', 'db']);
    expect(results).toEqual([
      { ok: true, value: CANARY },
      { ok: true, value: CANARY },
    ]);
    expect(provider.apiCalls()).toBe(2);
  });

  it('a lasting error after the backoff still drops the stale value', async () => {
    const { manager, fail } = setup();
    await manager.getSecret('db');
    vi.advanceTimersByTime(TTL);
    fail(new SecretFetchError('throttled', 'Rate exceeded'));
    await manager.getSecret('db');
    vi.advanceTimersByTime(ERROR_BACKOFF_MAX_MS);
    fail(new SecretFetchError('secret_not_found', 'Secret "db" was not found'));
    await expect(manager.getSecret('db')).rejects.toMatchObject({ code: 'secret_not_found' });
    fail(undefined);
    expect(manager.stats().size).toBe(0);
  });

  it('the backoff is jittered between half and all of 1 s × 2^(n-1), capped at a minute', () => {
    expect(errorBackoffMs(1, () => 0)).toBe(500);
    expect(errorBackoffMs(1, () => 1)).toBe(1_000);
    expect(errorBackoffMs(3, () => 0.5)).toBe(3_000);
    expect(errorBackoffMs(30, () => 1)).toBe(ERROR_BACKOFF_MAX_MS);
  });
});
