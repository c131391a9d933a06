import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import type { Concerns } from './invalidation-log.js';
import type { EntryOwner } from './store-types.js';

/** The answers remembered: a reference that does not exist, or that these credentials may not read. */
const REMEMBERED = new Set(['secret_not_found', 'access_denied']);

/** The memo of {@link createNegativeMemo}. */
export type NegativeMemo = NonNullable<ReturnType<typeof createNegativeMemo>>;

/**
 * Remembered `secret_not_found` / `access_denied` answers per cache key (`negativeTtlMs`), at most `maxSize` of
 * them; `undefined` when the option is off. Part of the store, so that whatever drops a secret's entries (an
 * invalidation by any manager of the cache, a bus message) forgets its remembered failures too.
 */
export function createNegativeMemo(ttlMs: number, maxSize: number) {
  if (!(ttlMs > 0)) return undefined;
  const memo = new QuickLRU<
    string,
    { error: SecretRefError; until: number; owner: EntryOwner; secretId: string }
  >({ maxSize });
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
     * The answer the store's commit rule let through for `key`: a failure to remember is remembered, anything else
     * (a value, another failure) forgets.
     */
    record(key: string, owner: EntryOwner, secretId: string, error: SecretRefError | undefined): void {
      if (error !== undefined && REMEMBERED.has(error.code))
        memo.set(key, { error, until: Date.now() + ttlMs, owner, secretId });
      else memo.delete(key);
    },
    /** Forgets what an invalidation concerns, but `keep`. */
    drop(concerns: Concerns, keep: readonly string[] | undefined): void {
      for (const [key, { owner, secretId }] of [...memo]) {
        if (concerns(owner, secretId) && !keep?.includes(key)) memo.delete(key);
      }
    },
  };
}
