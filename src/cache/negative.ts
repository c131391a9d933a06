import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';

/** The answers remembered: a reference that does not exist, or that these credentials may not read. */
const REMEMBERED = new Set(['secret_not_found', 'access_denied']);

/**
 * Remembered `secret_not_found` / `access_denied` answers per cache key (`negativeTtlMs`), at most `maxSize` of
 * them; `undefined` when the option is off.
 */
export interface NegativeMemo {
  /** The remembered error of `key`, while it lasts. */
  get(key: string, now: number): SecretRefError | undefined;
  /** Remembers a failed answer if it is one to remember; a success forgets. */
  record(key: string, secretId: string, error: SecretRefError | undefined, now: number): void;
  /** Forgets one key (a `refresh: true` read). */
  drop(key: string): void;
  /** Forgets every key of one secret id, or everything. */
  forget(secretId?: string): void;
}

export function createNegativeMemo(ttlMs: number, maxSize: number): NegativeMemo | undefined {
  if (!(ttlMs > 0)) return undefined;
  const memo = new QuickLRU<string, { error: SecretRefError; until: number; secretId: string }>({ maxSize });
  return {
    get(key, now) {
      const found = memo.get(key);
      if (found === undefined) return undefined;
      if (found.until > now) return found.error;
      memo.delete(key);
      return undefined;
    },
    record(key, secretId, error, now) {
      if (error !== undefined && REMEMBERED.has(error.code))
        memo.set(key, { error, until: now + ttlMs, secretId });
      else memo.delete(key);
    },
    drop(key) {
      memo.delete(key);
    },
    forget(secretId) {
      if (secretId === undefined) {
        memo.clear();
        return;
      }
      for (const [key, value] of memo) if (value.secretId === secretId) memo.delete(key);
    },
  };
}
