import { setMaxListeners } from 'node:events';
import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import type { SecretPayload } from '../types.js';
import { errorBackoffMs } from './backoff.js';
import { createInvalidationLog, type InvalidationLog } from './invalidation-log.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import { mayNameSameSecret, namesSecret } from './secret-names.js';
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

export type * from './store-types.js';

interface Entry {
  value: CachedPayload;
  expiresAt: number;
  readonly staleUntil: number;
  readonly owner: EntryOwner;
  readonly secretId: string;
  /** Refresh failures in a row (transient), and when the next try is due. */
  failures: number;
  retryAt: number;
  /** When a warm read last moved it to the front of the LRU. */
  touched: number;
}

/**
 * A warm read moves its entry to the front of the LRU at most this often: quick-lru's `get` moves an entry of its
 * old generation into the new one (and a full new generation replaces the old one), which is most of the cost of a
 * hit among many entries; recency a second coarse is all an LRU of secrets needs.
 */
const TOUCH_MS = 1_000;

let lastSeq = 0;

/** Two answers for one version: the same version id (AWS's are unique per secret) and the same string. */
function sameVersion(first: SecretPayload, second: SecretPayload): boolean {
  return (
    first.versionId !== undefined &&
    first.versionId === second.versionId &&
    first.secretString === second.secretString
  );
}

/** Creates a store; without options it keeps nothing but still merges concurrent fetches of one key. */
export function createCacheStore(
  options: ResolvedSecretCacheOptions | undefined,
  tier?: SharedTier,
): CacheStore {
  const lru = options ? new QuickLRU<string, Entry>({ maxSize: options.maxSize }) : undefined;
  const inflight = new Map<string, InFlight>();
  const log: InvalidationLog = createInvalidationLog();
  let liveFlights = 0;

  const put = (item: FlightItem, value: CachedPayload, freshForMs: number | undefined): void => {
    if (!lru || !options) return;
    const now = Date.now();
    let lifetime = options.ttlMs - options.ttlMs * options.jitter * Math.random();
    if (freshForMs !== undefined) lifetime = Math.max(0, Math.min(lifetime, freshForMs));
    const keepFor = lifetime + options.staleIfErrorMs;
    if (keepFor <= 0) {
      lru.delete(item.key);
      return;
    }
    lru.set(item.key, {
      value,
      expiresAt: now + lifetime,
      staleUntil: now + keepFor,
      owner: item.owner,
      secretId: item.secretId,
      failures: 0,
      retryAt: 0,
      touched: now,
    });
  };

  const fallback = (key: string, error: SecretRefError): FlightOutcome => {
    const entry = lru?.peek(key);
    if (!entry) return { ok: false, error };
    const now = Date.now();
    if ((error as { transient?: unknown }).transient === true) {
      if (now < entry.staleUntil) {
        entry.failures += 1;
        entry.retryAt = now + errorBackoffMs(entry.failures);
        return { ok: true, value: entry.value, stale: true };
      }
      return { ok: false, error };
    }
    lru?.delete(key);
    return { ok: false, error };
  };

  const dropMatching = (
    concerns: (owner: EntryOwner, secretId: string, payload?: SecretPayload) => boolean,
    dropped?: (owner: EntryOwner, secretId: string) => void,
  ) => {
    for (const [key, running] of [...inflight]) {
      if (concerns(running.owner, running.secretId)) inflight.delete(key);
    }
    if (!lru) return;
    for (const [key, entry] of [...lru]) {
      if (concerns(entry.owner, entry.secretId, entry.value.payload)) {
        lru.delete(key);
        dropped?.(entry.owner, entry.secretId);
      }
    }
  };

  const invalidate = (target: InvalidationTarget): void => {
    const { identity, secretId } = target;
    const concerns = (owner: EntryOwner, entrySecretId: string, payload?: SecretPayload): boolean => {
      if (identity !== undefined && owner.identity !== identity) return false;
      if (secretId === undefined) return true;
      return (
        mayNameSameSecret(entrySecretId, secretId) ||
        (payload !== undefined && namesSecret(payload, secretId))
      );
    };
    if (liveFlights > 0) log.record(concerns);
    dropMatching(concerns);
  };

  const fromBus = (message: SharedInvalidation): void => {
    const concerns = (owner: EntryOwner, secretId: string, payload?: SecretPayload): boolean => {
      const { scope } = owner;
      if (scope === undefined) return false;
      if (message.scope !== undefined && scope !== message.scope) return false;
      try {
        return message.matches(secretId, payload) === true;
      } catch {
        return true;
      }
    };
    if (liveFlights > 0) log.record(concerns);
    dropMatching(concerns, (owner, secretId) => {
      try {
        owner.onDrop?.(secretId);
      } catch {}
    });
  };

  if (tier) {
    try {
      tier.onInvalidate(fromBus);
    } catch {}
  }

  return {
    options,
    tier,
    lookup(key, now = Date.now()) {
      const entry = lru?.get(key);
      if (entry !== undefined) {
        if (now < entry.expiresAt) return { state: 'fresh', value: entry.value };
        if (now < entry.retryAt && now < entry.staleUntil) return { state: 'stale', value: entry.value };
      }
      const running = inflight.get(key);
      if (running) return { state: 'inflight', inflight: running };
      return { state: 'miss' };
    },
    fresh(key, now) {
      const entry = lru?.peek(key);
      if (entry === undefined || now >= entry.expiresAt) return undefined;
      if (now - entry.touched >= TOUCH_MS) {
        entry.touched = now;
        lru!.get(key);
      }
      return entry.value;
    },
    refreshDue(key, now) {
      if (!options || options.refreshAheadMs === 0) return false;
      const entry = lru?.peek(key);
      return (
        entry !== undefined &&
        now < entry.expiresAt &&
        now >= entry.expiresAt - options.refreshAheadMs &&
        now >= entry.retryAt &&
        !inflight.has(key)
      );
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
      return {
        flight,
        running,
        settle(key, result) {
          const waiting = pending.get(key);
          if (!waiting) return undefined;
          pending.delete(key);
          if (pending.size === 0) {
            liveFlights -= 1;
            if (liveFlights === 0) log.clear();
          }
          const { item, record, resolve } = waiting;
          const current = inflight.get(key) === record;
          if (current) inflight.delete(key);
          if (result.ok) {
            const previous = lru?.peek(key)?.value;
            const value: CachedPayload = { payload: result.payload, seq: ++lastSeq, spec: item.spec };
            if (previous?.json !== undefined && sameVersion(previous.payload, result.payload)) {
              value.json = previous.json;
              if (previous.keyTexts !== undefined) value.keyTexts = previous.keyTexts;
            }
            const stored = current && !log.concerns(since, item.owner, item.secretId, result.payload);
            if (stored) put(item, value, result.freshForMs);
            resolve({ ok: true, value, stale: false });
            return { previous, stored };
          }
          resolve(current ? fallback(key, result.error) : { ok: false, error: result.error });
          return undefined;
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
      if (entry !== undefined && entry.value.seq < value.seq) entry.value = value;
    },
    count(prefix) {
      if (!lru) return 0;
      let count = 0;
      for (const key of lru.keys()) if (key.startsWith(prefix)) count++;
      return count;
    },
  };
}
