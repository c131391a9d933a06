import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import { mayNameSameSecret } from '../ref/secret-names.js';

/** The answers remembered: a reference that does not exist, or that these credentials may not read. */
const REMEMBERED = new Set(['secret_not_found', 'access_denied']);

/** The memo of {@link createNegativeMemo}. */
export type NegativeMemo = NonNullable<ReturnType<typeof createNegativeMemo>>;

/**
 * Remembered `secret_not_found` / `access_denied` answers per cache key (`negativeTtlMs`), at most `maxSize` of
 * them; `undefined` when the option is off.
 */
export function createNegativeMemo(ttlMs: number, maxSize: number) {
  if (!(ttlMs > 0)) return undefined;
  const memo = new QuickLRU<string, { error: SecretRefError; until: number; secretId: string }>({ maxSize });
  return {
    /** The remembered error of `key`, while it lasts. */
    get(key: string, now: number): SecretRefError | undefined {
      const found = memo.get(key);
      if (found === undefined) return undefined;
      if (found.until > now) return found.error;
      memo.delete(key);
      return undefined;
    },
    /**
     * Remembers a failed answer if it is one to remember; a success forgets. The caller asks only for an answer the
     * store's commit rule let through (no invalidation came during its fetch).
     */
    record(key: string, secretId: string, error: SecretRefError | undefined, now: number): void {
      if (error !== undefined && REMEMBERED.has(error.code))
        memo.set(key, { error, until: now + ttlMs, secretId });
      else memo.delete(key);
    },
    /** Forgets one key (a `refresh: true` read). */
    drop(key: string): void {
      memo.delete(key);
    },
    /** Forgets every key of one secret (whatever id form it was read by), or everything. */
    forget(secretId?: string): void {
      if (secretId === undefined) {
        memo.clear();
        return;
      }
      for (const [key, value] of memo) if (mayNameSameSecret(value.secretId, secretId)) memo.delete(key);
    },
  };
}
