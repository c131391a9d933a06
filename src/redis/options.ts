import {
  type ResolvedSecretCacheOptions,
  resolveCacheOptions,
  type SecretCacheOptions,
} from '../cache/options.js';
import { SecretRefConfigError } from '../errors.js';
import { type DerivedKey, deriveKey } from './crypto.js';

/**
 * Options of `createRedisSecretCache` (`secret-refs/redis`).
 * @example
 *   const options: RedisSecretCacheOptions = { client, encryptionKey: process.env.CACHE_KEY!, namespace: 'prod' };
 */
export interface RedisSecretCacheOptions extends SecretCacheOptions {
  /**
   * Your connected node-redis (≥ 5) or ioredis (≥ 5) client: a single server's (`createClient`, `new Redis`) or a
   * Redis Cluster's (`createCluster`, `new Cluster`, with Redis ≥ 7 for sharded pub/sub). It stays yours: `close()`
   * leaves it open. Caches over one client (many managers in one process) share one subscriber connection per
   * namespace: give them the same client rather than one each.
   */
  client: unknown;
  /**
   * The connection that listens for invalidations (a Redis connection in subscriber mode can send nothing else).
   * Not used with a cluster client: the cache then opens a connection to the shard of its channel, shared as below.
   * @default `client.duplicate()` (reconnected by the cache, not by your client's strategy), opened by the first
   * cache over `client` for its namespace, shared by every cache over `client` for that namespace, and closed when the
   * last of them closes
   */
  subscriber?: unknown;
  /**
   * 32 random bytes, as a `Uint8Array` or base64 text (`openssl rand -base64 32`); or an array of them to rotate
   * keys: the first encrypts, every one decrypts and hears invalidations. Every process of a fleet needs it.
   */
  encryptionKey: Uint8Array | string | readonly (Uint8Array | string)[];
  /**
   * Keeps fleets apart on one Redis: every key starts with `secret-refs:{<namespace>}:`. Letters, digits, `.`, `_`
   * and `-`, up to 64.
   * @default 'default'
   */
  namespace?: string;
  /**
   * Names who may share: providers whose credentials cannot be compared across processes (the default chain, a
   * profile, assume role, an injected client) share only under a scope, and only with processes given the same one.
   * @default none: such providers skip Redis; static keys and explicit memory identities are shared as they are
   */
  scope?: string;
  /**
   * How long a value is served, in Redis and in-process (the in-process copy of a shared entry never outlives it).
   * The other cache options (`maxSize`, `staleIfErrorMs`, `jitter`, …) apply to the in-process tier as in
   * `createSecretCache()`; `jitter` also shortens each Redis entry's lifetime at random.
   * @default 300_000
   */
  ttlMs?: number;
  /**
   * How long the lease of a process that fetches a missing secret lasts. The holder renews it every half lease
   * while its fetch runs (for at most four leases), and the others wait for its result as long as it is renewed
   * (at most four leases) before fetching themselves; a holder that died stops renewing, and a waiter takes its
   * lease within one lease. `0` turns leases off.
   * @default 1_500
   */
  leaseMs?: number;
  /**
   * The longest any Redis operation may take before it counts as a miss (and Redis is skipped for a while). Time in
   * which this process's own event loop was blocked is not counted: a process busy with its own work does not blame
   * Redis for the answer it could not read yet. Nor is an operation given up while Redis keeps answering the commands
   * sent before it on the client (a burst of this process's own reads, queued on one connection): it then waits on,
   * up to four times this bound in all. Keep it above what Redis takes to answer a whole fleet's first reads at once
   * (about 0.8 ms per worker for a batch of 200 secrets on one primary): a read it ends goes to the provider.
   * @default 900
   */
  operationTimeoutMs?: number;
}

/** The checked options. */
interface ResolvedRedisOptions {
  readonly cache: ResolvedSecretCacheOptions;
  readonly keys: readonly DerivedKey[];
  readonly namespace: string;
  readonly scope: string | undefined;
  readonly leaseMs: number;
  readonly operationTimeoutMs: number;
}

/** The options of the tier itself; every other key is a cache option, checked by `resolveCacheOptions`. */
const OWN = new Set<string>([
  'client',
  'subscriber',
  'encryptionKey',
  'namespace',
  'scope',
  'leaseMs',
  'operationTimeoutMs',
]);
const NAMESPACE = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_KEY = /^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$/;

function keyBytes(value: unknown, option: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length === 32) return value;
    throw new SecretRefConfigError(option, `\`${option}\` must be 32 bytes (got ${value.length})`);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (BASE64_KEY.test(text))
      return new Uint8Array(Buffer.from(text, text.endsWith('=') ? 'base64' : 'base64url'));
    throw new SecretRefConfigError(
      option,
      `\`${option}\` must be 32 bytes as base64 text, such as the output of \`openssl rand -base64 32\` (got text of ${value.length} characters)`,
    );
  }
  throw new SecretRefConfigError(option, `\`${option}\` must be a Uint8Array of 32 bytes or base64 text`);
}

function keysOf(value: unknown): DerivedKey[] {
  if (value === undefined) {
    throw new SecretRefConfigError(
      'encryptionKey',
      '`encryptionKey` is required: 32 bytes, or base64 text of them',
    );
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw new SecretRefConfigError('encryptionKey', '`encryptionKey` must hold at least one key');
  }
  return list.map((item, index) =>
    deriveKey(keyBytes(item, Array.isArray(value) ? `encryptionKey[${index}]` : 'encryptionKey')),
  );
}

function whole(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` must be a whole number of milliseconds from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * Checks every option but the clients; throws a `SecretRefConfigError` naming the first bad one.
 * @example
 *   const { keys, namespace, leaseMs } = resolveRedisOptions({ client, encryptionKey });
 */
export function resolveRedisOptions(options: RedisSecretCacheOptions): ResolvedRedisOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SecretRefConfigError(
      'options',
      '`options` must be an object with at least `client` and `encryptionKey`',
    );
  }
  const record = options as unknown as Record<string, unknown>;
  const cacheOptions = Object.fromEntries(
    Object.keys(record)
      .filter((key) => !OWN.has(key) && record[key] !== undefined)
      .map((key) => [key, record[key]]),
  );
  const namespace = record.namespace ?? 'default';
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new SecretRefConfigError(
      'namespace',
      '`namespace` must be 1 to 64 letters, digits, `.`, `_` or `-`',
    );
  }
  const scope = record.scope;
  if (scope !== undefined && (typeof scope !== 'string' || scope === '' || scope.length > 256)) {
    throw new SecretRefConfigError('scope', '`scope` must be a non-empty string of at most 256 characters');
  }
  return Object.freeze({
    cache: resolveCacheOptions(cacheOptions, 'options'),
    keys: keysOf(record.encryptionKey),
    namespace,
    scope,
    leaseMs: whole(record.leaseMs, 'leaseMs', 1_500, 0, 60_000),
    operationTimeoutMs: whole(record.operationTimeoutMs, 'operationTimeoutMs', 900, 1, 10_000),
  });
}
