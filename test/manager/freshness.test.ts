import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretFetchError } from '../../src/errors.js';
import type { SecretEvent } from '../../src/events.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretProvider } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const TTL = 60_000;
const AHEAD = 10_000;

function setup(cache: object = { ttlMs: TTL, jitter: 0, refreshAheadMs: AHEAD }) {
  let failure: Error | undefined;
  const provider = createMemoryProvider(
    { db: `{"password":"${CANARY}"}` },
    {
      onCall: () => {
        if (failure) throw failure;
      },
    },
  );
  const events: SecretEvent[] = [];
  const manager = createSecretManager(provider, { cache, onEvent: (event) => events.push(event) });
  return { provider, manager, events, fail: (error: Error | undefined) => (failure = error) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('refreshAheadMs', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves a read near expiry at once and refreshes once in the background; no read waits after the first', async () => {
    // Prepare
    const { provider, manager } = setup();
    await manager.getSecret('db:password');
    provider.setSecret('db', '{"password":"rotated"}');

    // Act: within the window, two reads: both served the cached value, one refresh between them
    vi.setSystemTime(Date.now() + TTL - AHEAD + 1);
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    await settle();

    // Assess
    expect(provider.apiCalls()).toBe(2);
    expect(await manager.getSecret('db:password')).toBe('rotated');
    vi.setSystemTime(Date.now() + AHEAD);
    expect(await manager.getSecret('db:password')).toBe('rotated');
    expect(provider.apiCalls()).toBe(2);
  });

  it('refreshes ahead on the resolve path too (getSecrets, warm)', async () => {
    const { provider, manager } = setup();
    await manager.getSecrets(['db:password']);
    vi.setSystemTime(Date.now() + TTL - 1);
    const [result] = await manager.getSecrets(['db:password']);
    expect(result).toEqual({ ok: true, value: CANARY });
    await settle();
    expect(provider.apiCalls()).toBe(2);
  });

  it('a failed background refresh keeps the old value and emits error, then backs off', async () => {
    const { provider, manager, events, fail } = setup();
    await manager.getSecret('db:password');
    vi.setSystemTime(Date.now() + TTL - 1);
    fail(new SecretFetchError('throttled', `Rate exceeded ${CANARY.length}`));
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    await settle();
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    await settle();
    expect(provider.apiCalls()).toBe(2);
    expect(events.filter((event) => event.type === 'error')).toMatchObject([
      { secretId: 'db', tier: 'provider', code: 'throttled' },
    ]);
    expect(events.filter((event) => event.type === 'refresh')).toMatchObject([{ ok: false }]);
    expectNoCanary(events);
  });

  it('is checked against ttlMs', () => {
    const provider = createMemoryProvider({});
    expect(() => createSecretManager(provider, { cache: { ttlMs: 1_000, refreshAheadMs: 1_000 } })).toThrow(
      /refreshAheadMs.*less than/,
    );
    expect(() => createSecretManager(provider, { cache: { refreshAheadMs: -1 } })).toThrow(/refreshAheadMs/);
  });
});

describe('refresh: true (a read past every cache)', () => {
  it('fetches even when the value is fresh, stores what comes back, and says when it changed', async () => {
    const { provider, manager, events } = setup({ ttlMs: TTL });
    await manager.getSecret('db:password');
    provider.setSecret('db', '{"password":"rotated"}');
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    expect(await manager.getSecret('db:password', { refresh: true })).toBe('rotated');
    expect(await manager.getSecret('db:password')).toBe('rotated');
    expect(provider.apiCalls()).toBe(2);
    const changed = events.filter((event) => event.type === 'changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ secretId: 'db' });
    expect(changed[0]!.versionId).not.toBe(changed[0]!.previousVersionId);
    expectNoCanary(events);
  });

  it('works for getSecrets, and is validated', async () => {
    const { provider, manager } = setup({ ttlMs: TTL });
    await manager.getSecrets(['db:password']);
    await manager.getSecrets(['db:password'], { refresh: true });
    expect(provider.apiCalls()).toBe(2);
    await expect(manager.getSecret('db', { refresh: 'yes' as never })).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });

  it('a refresh that finds the same version keeps the parsed JSON and emits no change', async () => {
    const { manager, events } = setup({ ttlMs: TTL });
    await manager.getSecret('db:password');
    await manager.getSecret('db:password', { refresh: true });
    expect(events.filter((event) => event.type === 'changed')).toEqual([]);
  });
});

describe('onEvent', () => {
  it('tells hits, misses, fetches and invalidations, with ids and timings, never a value', async () => {
    const { manager, events } = setup({ ttlMs: TTL });
    await manager.getSecret('db:password');
    await manager.getSecret('db:password');
    await manager.getSecrets(['db:password']);
    manager.invalidate('db');
    await manager.getSecret('nope').catch(() => undefined);
    expect(events.map((event) => `${event.type}:${event.tier ?? event.source}`)).toEqual([
      'miss:memory',
      'fetch:provider',
      'hit:memory',
      'hit:memory',
      'invalidated:local',
      'miss:memory',
      'error:provider',
    ]);
    expect(events[1]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(events[1]!.versionId).toEqual(expect.any(String));
    expect(events.at(-1)).toMatchObject({ code: 'secret_not_found', secretId: 'nope' });
    expectNoCanary(events);
    expect(events.every((event) => Object.isFrozen(event))).toBe(true);
  });

  it('a handler that throws never breaks a read', async () => {
    const provider = createMemoryProvider({ db: 'v' });
    const manager = createSecretManager(provider, {
      onEvent: () => {
        throw new Error('handler bug');
      },
    });
    expect(await manager.getSecret('db')).toBe('v');
    expect(await manager.getSecret('db')).toBe('v');
  });

  it('must be a function', () => {
    expect(() => createSecretManager(createMemoryProvider({}), { onEvent: 'log' as never })).toThrow(
      /onEvent/,
    );
  });
});

describe('refresh: true and the other id forms of the secret', () => {
  async function arnOf(provider: ReturnType<typeof createMemoryProvider>, name: string): Promise<string> {
    for await (const secret of provider.listSecrets()) if (secret.name === name) return secret.arn!;
    throw new Error(`no secret ${name}`);
  }

  it('after a read past the caches by ARN, a read by name gets that version, not the one cached before', async () => {
    // Prepare: cached by name and by ARN, then rotated
    const provider = createMemoryProvider({ db: 'v1' });
    const manager = createSecretManager(provider, { cache: { ttlMs: TTL } });
    const arn = await arnOf(provider, 'db');
    await manager.getSecrets(['db', arn]);
    provider.setSecret('db', 'v2');

    // Act
    expect(await manager.getSecret(arn, { refresh: true })).toBe('v2');

    // Assess
    expect(await manager.getSecret('db')).toBe('v2');
    expect(await manager.getSecret(arn.slice(0, -7))).toBe('v2');
  });

  it('a fetch by name begun before a read past the caches by ARN is not stored', async () => {
    // Prepare: a fetch by name that read v1 and is held
    const provider = createMemoryProvider({ db: 'v1' });
    let hold: Promise<void> | undefined;
    const held: SecretProvider = {
      kind: 'memory',
      identity: provider.identity,
      async fetch(locator, options) {
        const gate = hold;
        const payload = await provider.fetch(locator, options);
        if (gate !== undefined) await gate;
        return payload;
      },
    };
    const manager = createSecretManager(held, { cache: { ttlMs: TTL } });
    const arn = await arnOf(provider, 'db');
    let open: () => void = () => undefined;
    hold = new Promise<void>((resolve) => {
      open = resolve;
    });
    const before = manager.getSecret('db');
    hold = undefined;
    await settle();

    // Act: rotated, read past the caches by ARN, then the old answer arrives
    provider.setSecret('db', 'v2');
    expect(await manager.getSecret(arn, { refresh: true })).toBe('v2');
    open();
    expect(await before).toBe('v1');

    // Assess
    expect(await manager.getSecret('db')).toBe('v2');
  });

  it('a read past the caches that fails for a while leaves the other id forms their cached value', async () => {
    // Prepare: cached by name and by ARN; then the provider throttles
    const provider = createMemoryProvider({ db: 'v1' });
    let throttled = false;
    const flaky: SecretProvider = {
      kind: 'memory',
      identity: provider.identity,
      fetch(locator, options) {
        if (throttled) throw new SecretFetchError('throttled', 'Rate exceeded', { transient: true });
        return provider.fetch(locator, options);
      },
    };
    const manager = createSecretManager(flaky, { cache: { ttlMs: TTL } });
    const arn = await arnOf(provider, 'db');
    await manager.getSecrets(['db', arn]);
    throttled = true;

    // Act: the refresh falls back to its own stale value
    expect(await manager.getSecret(arn, { refresh: true })).toBe('v1');

    // Assess: the name still answers from the cache, without asking the throttled provider
    expect(await manager.getSecret('db')).toBe('v1');
  });
});
