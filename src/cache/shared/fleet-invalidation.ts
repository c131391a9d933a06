import type { InvalidateReply } from './script-io.js';

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

/** One invalidation to record in Redis: its kind, its bus message per key, and what it deletes. */
export interface Invalidation {
  kind: 'form' | 'scope' | 'all';
  messages: string[];
  /** Entry names deleted directly too. */
  entries: string[];
  hashes: string[];
}

const NOT_RECORDED: FleetInvalidation = Object.freeze({ removed: 0, processes: 0, keyInUse: 'unused' });

/** What INVALIDATE's decoded reply says the fleet did (see scripts.ts); `self` when this process heard it too. */
export function fleetInvalidation(reply: InvalidateReply | undefined, self: boolean): FleetInvalidation {
  if (reply === undefined) return NOT_RECORDED;
  return Object.freeze({
    removed: reply.removed,
    processes: Math.max(0, reply.heard - (self ? 1 : 0)),
    keyInUse: reply.marker === 2 ? 'yes' : reply.marker === 1 ? 'other-key' : 'unused',
  });
}
