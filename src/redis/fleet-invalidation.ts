/**
 * What a fleet-wide invalidation did, as Redis recorded it.
 * @example
 *   const { removed, processes, keyInUse } = await cache.invalidateSecret('prod/db');
 *   if (keyInUse !== 'yes') console.error('no process reading this namespace uses this key');
 */
export interface FleetInvalidation {
  /**
   * Entries deleted from Redis: for one secret, those of every id form, scope and version Redis held; for a
   * namespace clear, 0 (the namespace gets a new epoch: every entry becomes unreadable at once and expires by itself).
   */
  readonly removed: number;
  /** Other processes subscribed to the namespace's bus that received the message (this one not counted). */
  readonly processes: number;
  /**
   * Whether a process reading this namespace uses one of this cache's keys (each marks its key ids, derived and
   * telling nothing of the key, at its first read): `yes`; `other-key` (processes use only other keys: they ignore
   * the message and keep serving their copies); `unused` (no process has read this namespace since Redis was last
   * emptied: a misspelt namespace, or a fleet not started).
   */
  readonly keyInUse: 'yes' | 'other-key' | 'unused';
}
