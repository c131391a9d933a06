import { SecretRefConfigError } from '../errors.js';

/**
 * How long fetched secret versions are kept, and how many.
 * @example
 *   const cache: SecretCacheOptions = { ttlMs: 60_000, maxSize: 200, staleIfErrorMs: 300_000 };
 */
export interface SecretCacheOptions {
  /**
   * How long a fetched value is served without asking the backend again, before jitter.
   * `0` keeps values only as a fallback for `staleIfErrorMs`.
   * @default 300_000 (5 minutes)
   */
  ttlMs?: number;
  /**
   * How many secret versions are kept; the least recently used go first.
   * The LRU keeps between `maxSize` and twice `maxSize` entries internally (two generations, as quick-lru does).
   * @default 1_000
   */
  maxSize?: number;
  /**
   * How long after expiry a value may still be served when the refresh fails with a transient error
   * (throttling, network, timeout, 5xx). `0` turns stale-if-error off.
   * @default 900_000 (15 minutes)
   */
  staleIfErrorMs?: number;
  /**
   * Up to this fraction of `ttlMs` is taken off each entry's lifetime, at random, so that a fleet of processes
   * started together does not refresh in lock-step. Between `0` and `1`.
   * @default 0.1
   */
  jitter?: number;
  /**
   * A read within this time of an entry's expiry is served at once and starts one background refresh (merged like
   * any fetch; with the shared tier, about one per fleet), so that while reads keep coming and the backend answers,
   * no read waits for it. `0` turns it off. Must be less than `ttlMs`.
   * @default 0
   */
  refreshAheadMs?: number;
  /**
   * How long a `secret_not_found` or `access_denied` answer is remembered for that reference (both services), so a
   * typo in a config does not spend the backend's quota on every resolve; `invalidate` and `refresh: true` forget
   * it, `stats().negativeHits` counts it, and a `hit` event with that `code` says it was served. Kept for at most
   * `maxSize` references. `0` turns it off.
   * @default 0
   */
  negativeTtlMs?: number;
}

/**
 * {@link SecretCacheOptions} with every default filled in.
 * @example
 *   const defaults: ResolvedSecretCacheOptions = DEFAULT_CACHE_OPTIONS;
 *   const ttlSeconds = defaults.ttlMs / 1_000; // 300
 */
export type ResolvedSecretCacheOptions = Readonly<Required<SecretCacheOptions>>;

/**
 * The defaults of {@link SecretCacheOptions}.
 * @example
 *   createSecretManager(provider, { cache: { ...DEFAULT_CACHE_OPTIONS, ttlMs: 60_000 } });
 */
export const DEFAULT_CACHE_OPTIONS: ResolvedSecretCacheOptions = Object.freeze({
  ttlMs: 300_000,
  maxSize: 1_000,
  staleIfErrorMs: 900_000,
  jitter: 0.1,
  refreshAheadMs: 0,
  negativeTtlMs: 0,
});

const KNOWN = new Set(Object.keys(DEFAULT_CACHE_OPTIONS));

/**
 * Checks cache options and fills in defaults; throws a `SecretRefConfigError` naming the option at fault.
 * `prefix` is how the caller names the options object in messages (`cache` by default).
 */
export function resolveCacheOptions(
  options: SecretCacheOptions = {},
  prefix = 'cache',
): ResolvedSecretCacheOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SecretRefConfigError(
      prefix,
      `\`${prefix}\` must be an object of cache options, \`false\` or a cache from createSecretCache()`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new SecretRefConfigError(
        `${prefix}.${key}`,
        `\`${prefix}.${key}\` is not a cache option (expected one of: ${[...KNOWN].join(', ')})`,
      );
    }
  }
  const duration = (name: 'ttlMs' | 'staleIfErrorMs' | 'refreshAheadMs' | 'negativeTtlMs'): number => {
    const value = options[name];
    if (value === undefined) return DEFAULT_CACHE_OPTIONS[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SecretRefConfigError(
        `${prefix}.${name}`,
        `\`${prefix}.${name}\` must be a finite number of milliseconds, 0 or more (got ${describe(value)})`,
      );
    }
    return value;
  };
  const ttlMs = duration('ttlMs');
  const staleIfErrorMs = duration('staleIfErrorMs');
  const maxSize = options.maxSize ?? DEFAULT_CACHE_OPTIONS.maxSize;
  if (typeof maxSize !== 'number' || !Number.isSafeInteger(maxSize) || maxSize < 1) {
    throw new SecretRefConfigError(
      `${prefix}.maxSize`,
      `\`${prefix}.maxSize\` must be a whole number of entries, at least 1 (got ${describe(maxSize)})`,
    );
  }
  const jitter = options.jitter ?? DEFAULT_CACHE_OPTIONS.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new SecretRefConfigError(
      `${prefix}.jitter`,
      `\`${prefix}.jitter\` must be a fraction of \`ttlMs\` between 0 and 1 (got ${describe(jitter)})`,
    );
  }
  const refreshAheadMs = duration('refreshAheadMs');
  if (refreshAheadMs > 0 && refreshAheadMs >= ttlMs) {
    throw new SecretRefConfigError(
      `${prefix}.refreshAheadMs`,
      `\`${prefix}.refreshAheadMs\` must be less than \`${prefix}.ttlMs\` (got ${refreshAheadMs} with a ttlMs of ${ttlMs})`,
    );
  }
  const negativeTtlMs = duration('negativeTtlMs');
  return Object.freeze({ ttlMs, maxSize, staleIfErrorMs, jitter, refreshAheadMs, negativeTtlMs });
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return 'a string';
  return value === null ? 'null' : typeof value;
}
