import type { SecretRefError } from '../errors.js';
import type {
  CallOptions,
  ListSecretsOptions,
  SecretRef,
  SecretSummary,
  TestConnectionOptions,
  TestConnectionResult,
} from '../types.js';

/**
 * Counters kept by a manager's cache.
 * @example
 *   const { hits, misses }: SecretManagerStats = manager.stats();
 *   const hitRate = hits / Math.max(1, hits + misses);
 */
export interface SecretManagerStats {
  /** Reads served from the cache. */
  hits: number;
  /** Reads that needed a fetch. */
  misses: number;
  /** Calls made to the backend (each batch call counts one). */
  apiCalls: number;
  /** Expired values served because a refresh failed with a transient error. */
  staleServed: number;
  /**
   * Refreshes that failed with a transient error and fell back to the stale value. After each, the stale value is
   * served without asking the backend for a short, growing, jittered while (1 s, 2 s, 4 s … up to 1 min).
   */
  refreshErrors: number;
  /**
   * Reads answered by a remembered `secret_not_found` or `access_denied` (cache option `negativeTtlMs`), without
   * a backend call.
   */
  negativeHits?: number;
  /**
   * Entries of the shared tier (`secret-refs/redis`) that failed to decrypt or verify — an `encryptionKey` the
   * writer did not use, or an entry changed in Redis — or that are longer than any entry the tier writes (never
   * sent by Redis). Each was a miss, read from the provider instead, and an `error` event (`tier: 'shared'`,
   * `code: 'decryption_failed'`). Above 0, check the fleet's keys and Redis. Always 0 without a shared tier.
   */
  sharedRejected: number;
  /** Secret versions held in the cache now. */
  size: number;
}

/**
 * The outcome of one reference in `getSecrets`, in input order.
 * @example
 *   const results: SecretResult[] = await manager.getSecrets(['prod/db', 'prod/api']);
 *   const values = results.map((result) => (result.ok ? result.value : undefined));
 *   const [port] = await manager.getSecrets([{ secretId: 'prod/db', jsonKey: 'port' }]);
 *   const portNumber = port?.ok ? port.json : undefined; // 5432 for {"port": 5432}; port.value is '5432'
 */
export type SecretResult =
  | {
      ok: true;
      /** The secret string, or the text of its JSON key (a non-string JSON value JSON-encoded). */
      value: string;
      /**
       * The JSON value of the reference's JSON key when it holds a number, boolean, object or array (absent for
       * a string and for a whole secret), so that a caller can keep JSON types without parsing `value` again.
       */
      json?: unknown;
    }
  | { ok: false; error: SecretRefError };

/**
 * What `createAwsSecretsManager` (and any provider wrapped by the cache) returns.
 * @example
 *   const manager: SecretManager = createAwsSecretsManager({ region: 'eu-west-1' });
 *   const password = await manager.getSecret({ secretId: 'prod/db', jsonKey: 'password' });
 */
export interface SecretManager {
  /** The secret string, or the value of `ref.jsonKey` in it. */
  getSecret(ref: SecretRef | string, options?: CallOptions): Promise<string>;
  /** The bytes of a binary secret. */
  getSecretBinary(ref: SecretRef | string, options?: CallOptions): Promise<Uint8Array>;
  /**
   * Reads many references at once: each distinct secret fetched once, batched where the backend allows.
   * Never rejects for a failing reference (each result says ok or not); rejects only when aborted.
   */
  getSecrets(refs: readonly (SecretRef | string)[], options?: CallOptions): Promise<SecretResult[]>;
  /** Checks that the backend answers with these credentials; never throws for bad credentials or a dead endpoint. */
  testConnection(options?: TestConnectionOptions): Promise<TestConnectionResult>;
  /** Every secret's name and metadata (never a value), all pages. */
  listSecrets(options?: ListSecretsOptions): AsyncIterable<SecretSummary>;
  /** Top-level key names of a JSON secret (never values). */
  listJsonKeys(ref: SecretRef | string, options?: CallOptions): Promise<string[]>;
  /** Drops one secret (every version of it) from the cache, or everything. */
  invalidate(ref?: SecretRef | string): void;
  /** The cache's counters. */
  stats(): SecretManagerStats;
}
