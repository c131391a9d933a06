import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';

const TTL = 60_000;

/** Nested and flat, whole and by JSON key, a repeat: every kind of string a warm resolve remembers. */
const connection = {
  user: '{{resolve:secretsmanager:db:SecretString:user}}',
  url: 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@host/db',
  nested: {
    list: ['{{resolve:secretsmanager:api}}', 5],
    again: '{{resolve:secretsmanager:db:SecretString:user}}',
  },
};

function setup(cache: Parameters<typeof createSecretManager>[1] = { cache: { ttlMs: TTL, jitter: 0 } }) {
  const provider = createMemoryProvider({ db: JSON.stringify({ user: 'u1', password: 'p1' }), api: 'a1' });
  const manager = createSecretManager(provider, cache);
  return { provider, manager };
}

/** Resolves often enough that every string of the connection is remembered (strings are kept on second sight). */
async function warmUp(manager: ReturnType<typeof createSecretManager>): Promise<void> {
  for (let round = 0; round < 4; round++) {
    expect(await resolveConnection(connection, manager)).toEqual({
      user: 'u1',
      url: 'postgres://app:p1@host/db',
      nested: { list: ['a1', 5], again: 'u1' },
    });
  }
}

const rotated = { user: 'u2', url: 'postgres://app:p2@host/db', nested: { list: ['a2', 5], again: 'u2' } };

function rotate(provider: ReturnType<typeof createMemoryProvider>): void {
  provider.setSecret('db', JSON.stringify({ user: 'u2', password: 'p2' }));
  provider.setSecret('api', 'a2');
}

describe('a warm resolve never answers a dropped or replaced cache entry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the new version on the next resolve after invalidate, for resolveConnection and a compiled connection', async () => {
    const { provider, manager } = setup();
    const compiled = compileConnection(connection);
    await warmUp(manager);
    await compiled.resolve(manager);
    rotate(provider);
    manager.invalidate('db');
    manager.invalidate('api');
    expect(await resolveConnection(connection, manager)).toEqual(rotated);
    expect(await compiled.resolve(manager)).toEqual(rotated);
  });

  it('reads the secret again after its entry was evicted by newer ones (maxSize)', async () => {
    const { provider, manager } = setup({ cache: { ttlMs: TTL, jitter: 0, maxSize: 2 } });
    await warmUp(manager);
    rotate(provider);
    for (let n = 0; n < 6; n++) provider.setSecret(`filler-${n}`, `f${n}`);
    for (let n = 0; n < 6; n++) await manager.getSecret(`filler-${n}`);
    expect(await resolveConnection(connection, manager)).toEqual(rotated);
  });

  it('reads the value that replaced an entry (a refresh: true read elsewhere), not the one it replaced', async () => {
    const { provider, manager } = setup();
    await warmUp(manager);
    rotate(provider);
    expect(await manager.getSecret('db:user', { refresh: true })).toBe('u2');
    expect(await manager.getSecret('api', { refresh: true })).toBe('a2');
    const calls = provider.apiCalls();
    expect(await resolveConnection(connection, manager)).toEqual(rotated);
    expect(provider.apiCalls()).toBe(calls);
  });

  it('reads the rotated version once the entry has expired (ttlMs)', async () => {
    const { provider, manager } = setup();
    await warmUp(manager);
    rotate(provider);
    vi.advanceTimersByTime(TTL - 1);
    expect((await resolveConnection(connection, manager)).user).toBe('u1');
    vi.advanceTimersByTime(1);
    expect(await resolveConnection(connection, manager)).toEqual(rotated);
  });

  it('reads past the cache with refresh: true, and later warm resolves keep the new version', async () => {
    const { provider, manager } = setup();
    await warmUp(manager);
    rotate(provider);
    expect(await resolveConnection(connection, manager, { refresh: true })).toEqual(rotated);
    expect(await resolveConnection(connection, manager)).toEqual(rotated);
  });

  it('resolves a secret that was missing once its remembered not-found answer ends (negativeTtlMs)', async () => {
    const { provider, manager } = setup({ cache: { ttlMs: TTL, jitter: 0, negativeTtlMs: 1_000 } });
    const missing = { key: '{{resolve:secretsmanager:later:SecretString:k}}' };
    for (let round = 0; round < 4; round++) {
      const { issues } = await resolveConnectionSettled(missing, manager);
      expect(issues.map((issue) => issue.code)).toEqual(['secret_not_found']);
    }
    provider.setSecret('later', JSON.stringify({ k: 'v' }));
    expect((await resolveConnectionSettled(missing, manager)).issues).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(await resolveConnection(missing, manager)).toEqual({ key: 'v' });
  });

  it('gives each manager its own secret for the same reference text', async () => {
    const { manager } = setup();
    const other = createSecretManager(
      createMemoryProvider({ db: JSON.stringify({ user: 'x1', password: 'y1' }), api: 'z1' }),
      { cache: { ttlMs: TTL } },
    );
    await warmUp(manager);
    for (let round = 0; round < 3; round++) {
      expect(await resolveConnection(connection, other)).toEqual({
        user: 'x1',
        url: 'postgres://app:y1@host/db',
        nested: { list: ['z1', 5], again: 'x1' },
      });
      expect((await resolveConnection(connection, manager)).user).toBe('u1');
    }
  });

  it('reads a secret deleted and re-created as the new one after invalidate', async () => {
    const { provider, manager } = setup();
    await warmUp(manager);
    provider.deleteSecret('api');
    manager.invalidate('api');
    const { issues } = await resolveConnectionSettled(connection, manager);
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['secret_not_found', ['nested', 'list', 0]],
    ]);
    provider.setSecret('api', 'a3');
    manager.invalidate('api');
    expect((await resolveConnection(connection, manager)).nested.list[0]).toBe('a3');
  });
});

describe('a compiled connection resolved again never answers a dropped or replaced cache entry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const first = { user: 'u1', url: 'postgres://app:p1@host/db', nested: { list: ['a1', 5], again: 'u1' } };

  /** A compiled connection resolved until what it read is kept for its next resolve. */
  async function warmCompiled(manager: ReturnType<typeof createSecretManager>) {
    const compiled = compileConnection(connection);
    for (let round = 0; round < 3; round++) expect(await compiled.resolve(manager)).toEqual(first);
    return compiled;
  }

  it('reads the new version after invalidate', async () => {
    const { provider, manager } = setup();
    const compiled = await warmCompiled(manager);
    rotate(provider);
    manager.invalidate('db');
    expect(await compiled.resolve(manager)).toEqual({
      ...first,
      user: 'u2',
      url: 'postgres://app:p2@host/db',
      nested: { list: ['a1', 5], again: 'u2' },
    });
    manager.invalidate('api');
    expect(await compiled.resolve(manager)).toEqual(rotated);
  });

  it('reads the secret again after its entry was evicted (maxSize)', async () => {
    const { provider, manager } = setup({ cache: { ttlMs: TTL, jitter: 0, maxSize: 2 } });
    const compiled = await warmCompiled(manager);
    rotate(provider);
    for (let n = 0; n < 6; n++) provider.setSecret(`filler-${n}`, `f${n}`);
    for (let n = 0; n < 6; n++) await manager.getSecret(`filler-${n}`);
    expect(await compiled.resolve(manager)).toEqual(rotated);
  });

  it('reads the value that replaced an entry (a refresh: true read elsewhere), without a call', async () => {
    const { provider, manager } = setup();
    const compiled = await warmCompiled(manager);
    rotate(provider);
    expect(await manager.getSecret('db:user', { refresh: true })).toBe('u2');
    expect(await manager.getSecret('api', { refresh: true })).toBe('a2');
    const calls = provider.apiCalls();
    expect(await compiled.resolve(manager)).toEqual(rotated);
    expect(provider.apiCalls()).toBe(calls);
  });

  it('reads the rotated version once the entry has expired (ttlMs), and with refresh: true before', async () => {
    const { provider, manager } = setup();
    const compiled = await warmCompiled(manager);
    rotate(provider);
    vi.advanceTimersByTime(TTL - 1);
    expect(await compiled.resolve(manager)).toEqual(first);
    expect(await compiled.resolve(manager, { refresh: true })).toEqual(rotated);
    provider.setSecret('api', 'a3');
    vi.advanceTimersByTime(TTL);
    expect((await compiled.resolve(manager)).nested.list[0]).toBe('a3');
  });

  it('gives each manager its own secrets, alternating', async () => {
    const { manager } = setup();
    const other = createSecretManager(
      createMemoryProvider({ db: JSON.stringify({ user: 'x1', password: 'y1' }), api: 'z1' }),
      { cache: { ttlMs: TTL } },
    );
    const compiled = await warmCompiled(manager);
    for (let round = 0; round < 3; round++) {
      expect((await compiled.resolve(other)).user).toBe('x1');
      expect((await compiled.resolve(manager)).user).toBe('u1');
    }
  });

  it('counts the reads of each resolve as hits and tells them as events, one per secret', async () => {
    const events: string[] = [];
    const provider = createMemoryProvider({ db: JSON.stringify({ user: 'u1', password: 'p1' }), api: 'a1' });
    const manager = createSecretManager(provider, {
      cache: { ttlMs: TTL },
      onEvent: (event) => {
        if (event.type === 'hit') events.push(String(event.secretId));
      },
    });
    const compiled = await warmCompiled(manager);
    const hits = manager.stats().hits;
    events.length = 0;
    await compiled.resolve(manager);
    await compiled.resolve(manager);
    expect(manager.stats().hits - hits).toBe(4);
    expect(events.sort()).toEqual(['api', 'api', 'db', 'db']);
  });
});

describe('a warm resolve of a connection that changed reads what it now holds', () => {
  const ref = (id: string, key = 'user') => `{{resolve:secretsmanager:${id}:SecretString:${key}}}`;

  it('gives each connection its own values when they begin with the same reference', async () => {
    const provider = createMemoryProvider({
      a: JSON.stringify({ user: 'ua' }),
      b: JSON.stringify({ user: 'ub' }),
      c: JSON.stringify({ user: 'uc' }),
    });
    const manager = createSecretManager(provider, { cache: { ttlMs: TTL } });
    const shapes = [
      { x: ref('a'), y: ref('b') },
      { x: ref('a'), y: ref('c') },
      { x: ref('a') },
      { x: ref('a'), y: ref('b'), z: ref('c') },
      { x: ref('b'), y: ref('a') },
    ];
    const expected = [
      { x: 'ua', y: 'ub' },
      { x: 'ua', y: 'uc' },
      { x: 'ua' },
      { x: 'ua', y: 'ub', z: 'uc' },
      { x: 'ub', y: 'ua' },
    ];
    // Several rounds: strings are remembered from their second sight on, and each shape follows another that begins
    // with the same reference.
    for (let round = 0; round < 4; round++) {
      for (const [index, shape] of shapes.entries()) {
        expect(await resolveConnection(shape, manager)).toEqual(expected[index]);
      }
    }
  });

  it('counts one hit per secret for each warm resolve, however many references name it', async () => {
    const provider = createMemoryProvider({ db: JSON.stringify({ user: 'u', password: 'p' }), api: 'k' });
    const manager = createSecretManager(provider, { cache: { ttlMs: TTL } });
    const shape = {
      u: ref('db'),
      p: ref('db', 'password'),
      again: ref('db'),
      api: '{{resolve:secretsmanager:api}}',
    };
    for (let round = 0; round < 3; round++) await resolveConnection(shape, manager);
    const before = manager.stats().hits;
    await resolveConnection(shape, manager);
    await resolveConnection(shape, manager);
    expect(manager.stats().hits - before).toBe(4);
  });
});

describe('a warm resolve gives each caller its own values', () => {
  it('gives a fresh copy of a JSON value each time (keepJsonTypes), whatever the caller did to the last one', async () => {
    const provider = createMemoryProvider({ cfg: JSON.stringify({ pool: { max: 5 }, tags: ['a'] }) });
    const manager = createSecretManager(provider, { cache: { ttlMs: TTL } });
    const shape = {
      pool: '{{resolve:secretsmanager:cfg:SecretString:pool}}',
      tags: '{{resolve:secretsmanager:cfg:SecretString:tags}}',
    };
    for (let round = 0; round < 4; round++) {
      const value = (await resolveConnection(shape, manager, { keepJsonTypes: true })) as unknown as {
        pool: { max: number };
        tags: string[];
      };
      expect(value).toEqual({ pool: { max: 5 }, tags: ['a'] });
      value.pool.max = 99;
      value.tags.push('changed');
    }
    expect(await manager.getSecret('cfg:pool')).toBe('{"max":5}');
  });
});
