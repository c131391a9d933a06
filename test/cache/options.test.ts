import { describe, expect, it } from 'vitest';
import { createSecretCache } from '../../src/cache/create-secret-cache.js';
import { DEFAULT_CACHE_OPTIONS, resolveCacheOptions } from '../../src/cache/options.js';
import { SecretRefConfigError } from '../../src/errors.js';

describe('resolveCacheOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveCacheOptions()).toEqual({
      ttlMs: 300_000,
      maxSize: 1_000,
      staleIfErrorMs: 900_000,
      jitter: 0.1,
      refreshAheadMs: 0,
      negativeTtlMs: 0,
    });
    expect(resolveCacheOptions({ ttlMs: 0, staleIfErrorMs: 0, jitter: 1, maxSize: 1 })).toEqual({
      ttlMs: 0,
      maxSize: 1,
      staleIfErrorMs: 0,
      jitter: 1,
      refreshAheadMs: 0,
      negativeTtlMs: 0,
    });
    expect(Object.isFrozen(DEFAULT_CACHE_OPTIONS)).toBe(true);
  });

  it.each([
    [{ ttlMs: -1 }, 'cache.ttlMs'],
    [{ ttlMs: Number.NaN }, 'cache.ttlMs'],
    [{ ttlMs: Number.POSITIVE_INFINITY }, 'cache.ttlMs'],
    [{ ttlMs: '60000' }, 'cache.ttlMs'],
    [{ staleIfErrorMs: -5 }, 'cache.staleIfErrorMs'],
    [{ maxSize: 0 }, 'cache.maxSize'],
    [{ maxSize: 1.5 }, 'cache.maxSize'],
    [{ maxSize: Number.NaN }, 'cache.maxSize'],
    [{ jitter: -0.1 }, 'cache.jitter'],
    [{ jitter: 2 }, 'cache.jitter'],
    [{ ttl: 5 }, 'cache.ttl'],
  ])('rejects %o naming %s', (options, option) => {
    let error: unknown;
    try {
      resolveCacheOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretRefConfigError);
    expect(error).toMatchObject({ code: 'invalid_config', option });
    expect((error as Error).message).toContain(`\`${option}\``);
  });

  it('rejects a value that is not an object', () => {
    expect(() => resolveCacheOptions(null as never)).toThrow(SecretRefConfigError);
    expect(() => resolveCacheOptions([] as never)).toThrow(/`cache`/);
  });

  it('checks the options of createSecretCache at once', () => {
    expect(() => createSecretCache({ maxSize: -1 })).toThrow(/`cache.maxSize`/);
    expect(createSecretCache({ ttlMs: 10 }).options.ttlMs).toBe(10);
  });
});
