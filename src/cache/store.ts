import { setMaxListeners } from 'node:events';
import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import { mayNameSameSecret, namesSecret } from '../ref/secret-names.js';
import type { SecretPayload } from '../types.js';
import { errorBackoffMs } from './backoff.js';
import { Entry } from './entry.js';
import { type Concerns, createInvalidationLog } from './invalidation-log.js';
import { createNegativeMemo } from './negative.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import type {
  CachedPayload,
  CacheStore,
  EntryOwner,
  Flight,
  FlightItem,
  FlightOutcome,
  InFlight,
  InvalidationTarget,
} from './store-types.js';
import type { SharedInvalidation, SharedTier } from './tier.js';
import { guardTier } from './tier-guard.js';

export type * from './store-types.js';

/** Two answers for one version: the same version id (AWS's are unique per secret) and the same string. */
function sameVersion(first: SecretPayload, second: SecretPayload): boolean {
  return (
    first.versionId !== undefined &&
    first.versionId === second.versionId &&
    first.secretString === second.secretString
  );
}

/**
 * The `seq` of the last value fetched, in any store: one order for the process, not one per store, so that the
 * values of managers with caches of their own compare too (a resolve across several of them gives one version per
 * secret, see `oneVersionPerSecret`).
 */
let lastSeq = 0;

/** Creates a store; without options it keeps nothing but still merges concurrent fetches of one key. */
export function createCacheStore(
  options: ResolvedSecretCacheOptions | undefined,
  sharedTier?: SharedTier,
): CacheStore {
  const tier = sharedTier && guardTier(sharedTier);
  const lru = options ? new QuickLRU<string, Entry>({ maxSize: options.maxSize }) : undefined;
  const staleForMs = options?.staleIfErrorMs ?? 0;
  const inflight = new Map<string, InFlight>();
  // Refresh failures in a row (transient) and when the next try is due, for the few entries whose refresh failed:
  // a side table rather than a field that every entry would carry ("memory per entry" in `npm run bench`).
  const backoffs = new WeakMap<Entry, { readonly failures: number; readonly retryAt: number }>();
  // Values the commit rule refused (their fetch began before an invalidation or was replaced): handed to their
  // readers, never put in an entry, not even by `adopt`.
  const refused = new WeakSet<CachedPayload>();
  const log = createInvalidationLog();
  // Remembered not-found / access-denied answers (`negativeTtlMs`), dropped with the entries an invalidation drops.
  const negative = options && createNegativeMemo(options.negativeTtlMs, options.maxSize);
  let liveFlights = 0;

  const put = (key: string, value: Entry, freshForMs: number | undefined): void => {
    if (!lru || !options) return;
    const now = Date.now();
    let lifetime = options.ttlMs - options.ttlMs * options.jitter * Math.random();
    if (freshForMs !== undefined) lifetime = Math.max(0, Math.min(lifetime, freshForMs));
    if (lifetime + options.staleIfErrorMs <= 0) {
      lru.delete(key);
      return;
    }
    value.expiresAt = now + lifetime;
    lru.set(key, value);
  };

  const fallback = (key: string, error: SecretRefError): FlightOutcome => {
    const entry = lru?.peek(key);
    if (!entry) return { ok: false, error };
    const now = Date.now();
    // Stale-if-error for a transient failure only; any other failure drops the value it refreshed.
    if ((error as { transient?: unknown }).transient !== true) lru!.delete(key);
    else if (now < entry.expiresAt + staleForMs) {
      const failures = (backoffs.get(entry)?.failures ?? 0) + 1;
      backoffs.set(entry, { failures, retryAt: now + errorBackoffMs(failures) });
      return { ok: true, value: entry, stale: true };
    }
    return { ok: false, error };
  };

  /** Drops what an invalidation concerns, and logs it while fetches are in flight (so they do not store it). */
  const drop = (
    concerns: Concerns,
    dropped?: (owner: EntryOwner, secretId: string) => void,
    keep?: readonly string[],
  ) => {
    if (liveFlights > 0) log.record(concerns);
    negative?.drop(concerns, keep);
    for (const [key, running] of [...inflight]) {
      if (concerns(running.owner, running.secretId)) inflight.delete(key);
    }
    if (!lru) return;
    for (const [key, entry] of [...lru]) {
      if (concerns(entry.owner, entry.secretId, entry.payload) && !keep?.includes(key)) {
        lru.delete(key);
        dropped?.(entry.owner, entry.secretId);
      }
    }
  };

  const invalidate = (target: InvalidationTarget): void => {
    const { identity, secretId, keep } = target;
    const concerns: Concerns = (owner, entrySecretId, payload) => {
      if (identity !== undefined && owner.identity !== identity) return false;
      if (secretId === undefined) return true;
      return (
        mayNameSameSecret(entrySecretId, secretId) ||
        (payload !== undefined && namesSecret(payload, secretId))
      );
    };
    drop(concerns, undefined, keep);
  };

  const fromBus = (message: SharedInvalidation): void => {
    const concerns: Concerns = (owner, secretId, payload) => {
      const { scope } = owner;
      if (scope === undefined) return false;
      if (message.scope !== undefined && scope !== message.scope) return false;
      // A bus message comes from Redis: a match that cannot be computed drops the entry rather than keep it.
      try {
        return message.matches(secretId, payload) === true;
      } catch {
        return true;
      }
    };
    drop(concerns, (owner, secretId) => owner.onDrop?.(secretId));
  };

  tier?.onInvalidate(fromBus);

  return {
    options,
    tier,
    lookup(key, now = Date.now()) {
      const remembered = negative?.get(key, now);
      if (remembered !== undefined) return { state: 'remembered', error: remembered };
      const entry = lru?.get(key);
      if (entry !== undefined) {
        if (now < entry.expiresAt) return { state: 'fresh', value: entry };
        const backoff = backoffs.get(entry);
        if (backoff !== undefined && now < backoff.retryAt && now < entry.expiresAt + staleForMs) {
          return { state: 'stale', value: entry };
        }
      }
      const running = inflight.get(key);
      if (running) return { state: 'inflight', inflight: running };
      return { state: 'miss' };
    },
    fresh(key, now) {
      const entry = lru?.get(key);
      return entry !== undefined && now < entry.expiresAt ? entry : undefined;
    },
    refreshDue(key, now) {
      if (!options || options.refreshAheadMs === 0) return false;
      const entry = lru?.peek(key);
      if (entry === undefined) return false;
      if (now >= entry.expiresAt || now < entry.expiresAt - options.refreshAheadMs) return false;
      const backoff = backoffs.get(entry);
      return (backoff === undefined || now >= backoff.retryAt) && !inflight.has(key);
    },
    begin(items) {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const flight: Flight = { controller, waiters: 0, keys: items.map((item) => item.key) };
      const since = log.mark();
      const pending = new Map<
        string,
        { item: FlightItem; record: InFlight; resolve: (outcome: FlightOutcome) => void }
      >();
      const running: InFlight[] = [];
      for (const item of items) {
        let resolve!: (outcome: FlightOutcome) => void;
        const promise = new Promise<FlightOutcome>((done) => {
          resolve = done;
        });
        const record: InFlight = { promise, flight, owner: item.owner, secretId: item.secretId };
        inflight.set(item.key, record);
        pending.set(item.key, { item, record, resolve });
        running.push(record);
      }
      liveFlights += 1;
      // The log is kept until the last key of the last flight has been decided (stored or not), not merely taken
      // out of `pending`: the decision itself reads the log.
      const landed = (): void => {
        if (pending.size > 0) return;
        liveFlights -= 1;
        if (liveFlights === 0) log.clear();
      };
      return {
        flight,
        running,
        settle(key, result, freshForMs) {
          const waiting = pending.get(key);
          if (!waiting) return { previous: undefined, committed: false };
          pending.delete(key);
          const { item, record, resolve } = waiting;
          // The one commit rule. `current`: no later fetch of this key has replaced this one (an invalidation or a
          // `refresh` read starts afresh); the log: no invalidation since this fetch began names its secret, by the
          // id it was read by or by the name and ARN of its answer. The shared tier applies the same rule with its
          // own generation (see src/redis/PROTOCOL.md).
          const current = inflight.get(key) === record;
          if (current) inflight.delete(key);
          if (result.ok) {
            const previous = lru?.peek(key);
            const value = Entry.of(result.payload, ++lastSeq, item.spec, item.owner, item.secretId);
            if (previous?.json !== undefined && sameVersion(previous.payload, result.payload)) {
              value.json = previous.json;
            }
            const committed = current && !log.concerns(since, item.owner, item.secretId, result.payload);
            if (committed) {
              put(key, value, freshForMs);
              negative?.record(key, item.owner, item.secretId, undefined);
            } else refused.add(value);
            landed();
            resolve({ ok: true, value, stale: false });
            return { previous, committed };
          }
          // A failure is never stored, but the rule still says whether it may be remembered (`negativeTtlMs`).
          if (current && !log.concerns(since, item.owner, item.secretId, undefined)) {
            negative?.record(key, item.owner, item.secretId, result.error);
          }
          landed();
          resolve(current ? fallback(key, result.error) : { ok: false, error: result.error });
          return { previous: undefined, committed: false };
        },
      };
    },
    join(running) {
      running.flight.waiters++;
      return running.promise;
    },
    leave({ flight }) {
      flight.waiters--;
      if (flight.waiters > 0) return;
      for (const key of flight.keys) if (inflight.get(key)?.flight === flight) inflight.delete(key);
      flight.controller.abort();
    },
    invalidate,
    adopt(key, value) {
      const entry = lru?.peek(key);
      if (entry === undefined || entry.seq >= value.seq || refused.has(value)) return;
      const adopted = entry.adopting(value);
      const backoff = backoffs.get(entry);
      if (backoff !== undefined) backoffs.set(adopted, backoff);
      lru!.set(key, adopted);
    },
    count(prefix) {
      if (!lru) return 0;
      let count = 0;
      for (const key of lru.keys()) if (key.startsWith(prefix)) count++;
      return count;
    },
  };
}
