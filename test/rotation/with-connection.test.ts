import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryProvider,
  createSecretManager,
  type MemoryProvider,
  SecretFetchError,
  type SecretManager,
  SecretRefConfigError,
} from '../../src/index.js';
import { withConnection } from '../../src/rotation/with-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

class LoginError extends Error {
  readonly code = '28P01';
}

const connection = {
  host: 'db.internal',
  user: 'app',
  password: '{{resolve:secretsmanager:db:SecretString:password}}',
};

function setup(password = 'v1'): { provider: MemoryProvider; manager: SecretManager } {
  const provider = createMemoryProvider({ db: JSON.stringify({ password }), other: 'x' });
  return { provider, manager: createSecretManager(provider) };
}

/** A `use` that logs in when the password matches `server.password`, else fails like pg does. */
function loginAgainst(server: { password: string }) {
  const seen: { password: string; attempt: number }[] = [];
  const use = vi.fn(async (resolved: typeof connection, { attempt }: { attempt: number }) => {
    seen.push({ password: resolved.password, attempt });
    if (resolved.password !== server.password) throw new LoginError('password authentication failed');
    return `rows for ${resolved.user}`;
  });
  return { use, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('withConnection', () => {
  it('resolves and calls use once when it succeeds', async () => {
    const { provider, manager } = setup();
    const { use, seen } = loginAgainst({ password: 'v1' });
    await expect(withConnection(connection, manager, use)).resolves.toBe('rows for app');
    expect(seen).toEqual([{ password: 'v1', attempt: 1 }]);
    expect(provider.apiCalls()).toBe(1);
  });

  it('after a rotation: one re-read past the cache, one retry with the new value', async () => {
    const { provider, manager } = setup();
    await manager.getSecret('db:password'); // cached: v1
    provider.setSecret('db', JSON.stringify({ password: 'v2' }));
    const { use, seen } = loginAgainst({ password: 'v2' });
    const before = provider.apiCalls();

    await expect(withConnection(connection, manager, use)).resolves.toBe('rows for app');

    expect(seen).toEqual([
      { password: 'v1', attempt: 1 },
      { password: 'v2', attempt: 2 },
    ]);
    expect(provider.apiCalls() - before).toBe(1);
    // The re-read refreshed the cache: the next call logs in at once, without a fetch.
    await withConnection(connection, manager, use);
    expect(seen.at(-1)).toEqual({ password: 'v2', attempt: 1 });
    expect(provider.apiCalls() - before).toBe(1);
  });

  it('a wrong password no rotation fixes: one re-read, no retry, the original error', async () => {
    const { provider, manager } = setup(CANARY);
    const { use, seen } = loginAgainst({ password: 'something else' });
    const error = await withConnection(connection, manager, use, { cooldownMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect(seen.map((s) => s.attempt)).toEqual([1]);
    expect(provider.apiCalls()).toBe(2);
    expectNoCanary(error);
  });

  it('rethrows a failure that is not a login failure at once, as it is', async () => {
    const { provider, manager } = setup();
    const boom = new TypeError('query failed');
    const use = vi.fn(async () => {
      throw boom;
    });
    await expect(withConnection(connection, manager, use)).rejects.toBe(boom);
    expect(use).toHaveBeenCalledTimes(1);
    expect(provider.apiCalls()).toBe(1);
  });

  it('rethrows the retry’s own failure unchanged, and never calls use a third time', async () => {
    const { provider, manager } = setup();
    await manager.getSecret('db:password');
    provider.setSecret('db', JSON.stringify({ password: 'v2' }));
    const second = new LoginError('still refused');
    const use = vi
      .fn()
      .mockRejectedValueOnce(new LoginError('refused'))
      .mockRejectedValueOnce(second)
      .mockResolvedValue('never');
    await expect(withConnection(connection, manager, use)).rejects.toBe(second);
    expect(use).toHaveBeenCalledTimes(2);
  });

  it('rethrows the original error when the re-read fails, with no value in it', async () => {
    let failing = false;
    let refused = 0;
    const provider = createMemoryProvider(
      { db: JSON.stringify({ password: CANARY }) },
      {
        onCall: () => {
          if (!failing) return;
          refused++;
          throw new SecretFetchError('throttled', 'Rate exceeded');
        },
      },
    );
    const manager = createSecretManager(provider);
    const original = new LoginError('refused');
    const use = vi.fn().mockRejectedValue(original);
    await manager.getSecret('db');
    failing = true;
    const error = await withConnection(connection, manager, use).catch((e: unknown) => e);
    expect(error).toBe(original);
    expect(refused).toBe(1);
    expect(use).toHaveBeenCalledTimes(1);
    expectNoCanary(error);
  });

  it('a throwing isAuthError counts as "not a login failure"', async () => {
    const { provider, manager } = setup();
    const original = new LoginError('refused');
    const use = vi.fn().mockRejectedValue(original);
    const isAuthError = () => {
      throw new Error('bad test');
    };
    await expect(withConnection(connection, manager, use, { isAuthError })).rejects.toBe(original);
    expect(provider.apiCalls()).toBe(1);
  });

  it('uses isAuthError when given, and the common login codes by default', async () => {
    const { provider, manager } = setup();
    const use = vi.fn().mockRejectedValue(Object.assign(new Error('denied'), { code: 'E_MY_LOGIN' }));
    await expect(withConnection(connection, manager, use, { cooldownMs: 0 })).rejects.toThrow('denied');
    expect(provider.apiCalls()).toBe(1);
    const isAuthError = (error: unknown) => (error as { code?: string }).code === 'E_MY_LOGIN';
    await expect(withConnection(connection, manager, use, { isAuthError, cooldownMs: 0 })).rejects.toThrow(
      'denied',
    );
    expect(provider.apiCalls()).toBe(2);
  });

  it('rethrows whatever use throws, even a value that is not an Error', async () => {
    const { manager } = setup();
    for (const thrown of [undefined, null, 'text', 42]) {
      const caught = await withConnection(connection, manager, () => {
        throw thrown;
      }).then(
        () => 'resolved',
        (e: unknown) => ({ e }),
      );
      expect(caught).toEqual({ e: thrown });
    }
  });

  it('a connection without references is never re-read', async () => {
    const { provider, manager } = setup();
    const original = new LoginError('refused');
    await expect(
      withConnection({ password: 'literal' }, manager, () => Promise.reject(original)),
    ).rejects.toBe(original);
    expect(provider.apiCalls()).toBe(0);
  });

  it('passes resolve options on (encode) and a synchronous use works too', async () => {
    const { manager } = setup('p@ss/word');
    const url = 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@db/app';
    await expect(
      withConnection({ url }, manager, (resolved) => resolved.url, { encode: 'uri' }),
    ).resolves.toBe('postgres://app:p%40ss%2Fword@db/app');
  });
});

describe('withConnection cool-down', () => {
  it('a wrong password failing again and again is re-read once per cool-down', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider, manager } = setup();
    const { use } = loginAgainst({ password: 'never' });
    const options = { cooldownMs: 10_000 };
    for (let i = 0; i < 20; i++) {
      await expect(withConnection(connection, manager, use, options)).rejects.toBeInstanceOf(LoginError);
    }
    expect(provider.apiCalls()).toBe(2); // the first read, one re-read
    vi.advanceTimersByTime(10_000);
    await expect(withConnection(connection, manager, use, options)).rejects.toBeInstanceOf(LoginError);
    expect(provider.apiCalls()).toBe(3);
    expect(use).toHaveBeenCalledTimes(21);
  });

  it('concurrent failures after a rotation share one re-read, and all of them retry with the new value', async () => {
    const { provider, manager } = setup();
    await manager.getSecret('db:password');
    provider.setSecret('db', JSON.stringify({ password: 'v2' }));
    const { use, seen } = loginAgainst({ password: 'v2' });
    const before = provider.apiCalls();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => withConnection(connection, manager, use)),
    );
    expect(results).toEqual(Array(10).fill('rows for app'));
    expect(provider.apiCalls() - before).toBe(1);
    expect(seen.filter((s) => s.attempt === 2).map((s) => s.password)).toEqual(Array(10).fill('v2'));
  });

  it('is kept per secret: a connection with a secret not re-read lately is re-read', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider, manager } = setup();
    const fail = () => Promise.reject(new LoginError('refused'));
    await expect(withConnection(connection, manager, fail)).rejects.toBeInstanceOf(LoginError);
    await manager.getSecret('other');
    const calls = provider.apiCalls();
    const both = { ...connection, extra: '{{resolve:secretsmanager:other}}' };
    await expect(withConnection(both, manager, fail)).rejects.toBeInstanceOf(LoginError);
    expect(provider.apiCalls()).toBe(calls + 1);
    const afterBoth = provider.apiCalls();
    await expect(withConnection(both, manager, fail)).rejects.toBeInstanceOf(LoginError);
    await expect(withConnection(connection, manager, fail)).rejects.toBeInstanceOf(LoginError);
    expect(provider.apiCalls()).toBe(afterBoth);
  });

  it('is kept per manager: a record built anew for each call shares the cool-down of its entries', async () => {
    const { provider, manager } = setup();
    const fail = () => Promise.reject(new LoginError('refused'));
    const apConnection = { password: '{{conn1|ap_sep_v1|db:password}}' };
    for (let i = 0; i < 5; i++) {
      await expect(withConnection(apConnection, { conn1: manager }, fail)).rejects.toBeInstanceOf(LoginError);
    }
    expect(provider.apiCalls()).toBe(2); // the first read, one re-read
  });

  it('is kept per manager: another manager re-reads for itself', async () => {
    const a = setup();
    const b = setup();
    const fail = () => Promise.reject(new LoginError('refused'));
    await expect(withConnection(connection, a.manager, fail)).rejects.toBeInstanceOf(LoginError);
    await expect(withConnection(connection, b.manager, fail)).rejects.toBeInstanceOf(LoginError);
    expect([a.provider.apiCalls(), b.provider.apiCalls()]).toEqual([2, 2]);
  });
});

describe('withConnection options', () => {
  const { manager } = setup();
  const use = () => 'ok';
  it.each([
    [{ isAuthError: 'yes' }, 'isAuthError'],
    [{ cooldownMs: -1 }, 'cooldownMs'],
    [{ cooldownMs: Number.NaN }, 'cooldownMs'],
    [{ cooldownMs: '5000' }, 'cooldownMs'],
    [{ cooldownMs: Number.POSITIVE_INFINITY }, 'cooldownMs'],
  ])('refuses %o naming %s', async (options, option) => {
    const error = await withConnection(connection, manager, use, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretRefConfigError);
    expect(error).toMatchObject({ code: 'invalid_config', option });
  });

  it('refuses bad options, use and managers', async () => {
    await expect(withConnection(connection, manager, use, null as never)).rejects.toMatchObject({
      option: 'options',
    });
    await expect(withConnection(connection, manager, 'use' as never)).rejects.toMatchObject({
      option: 'use',
    });
    await expect(withConnection(connection, null as never, use)).rejects.toMatchObject({
      option: 'managers',
    });
  });

  it('lets a resolve failure through as the SecretResolutionError it is, use never called', async () => {
    const spy = vi.fn();
    const error = await withConnection({ p: '{{resolve:secretsmanager:missing}}' }, manager, spy).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'resolution_failed' });
    expect(spy).not.toHaveBeenCalled();
  });
});
