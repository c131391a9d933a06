import { setMaxListeners } from 'node:events';
import type { SecretRefError } from '../errors.js';
import type { SecretPayload } from '../types.js';
import { errorBackoffMs } from './backoff.js';
import { Entry, stamp } from './entry.js';
import { createInvalidationLog, type InvalidationLog } from './invalidation-log.js';
import { Lru } from './lru.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import { mayNameSameSecret, namesSecret } from './secret-names.js';
import type {
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

/**
 * The key an entry is held under, as one flat string: a key built by concatenation is a tree of pieces in V8 (a
 * few 32-byte nodes for each entry). A JSON round trip is the cheapest copy found that is flat and not
 * internalized (a property name would be, in a table outside the heap); it runs once per stored answer.
 */
function flatKey(key: string): string {
  return JSON.parse(JSON.stringify(key)) as string;
}

/**
 * A warm read moves an entry of the LRU's old generation into the current one only when that generation has been
 * the old one this long (see `Lru.read`): moves are most of the cost of a hit among many entries, and recency a
 * second coarse is all an LRU of secrets needs.
 */
const SETTLE_MS = 1_000;

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
  const lru = options ? new Lru<Entry>(options.maxSize, SETTLE_MS) : undefined;
  const staleForMs = options?.staleIfErrorMs ?? 0;
  const inflight = new Map<string, InFlight>();
  const log: InvalidationLog = createInvalidationLog();
  let liveFlights = 0;

  const put = (item: FlightItem, value: Entry, freshForMs: number | undefined): void => {
    if (!lru || !options) return;
    const now = Date.now();
    let lifetime = options.ttlMs - options.ttlMs * options.jitter * Math.random();
    if (freshForMs !== undefined) lifetime = Math.max(0, Math.min(lifetime, freshForMs));
    const keepFor = lifetime + options.staleIfErrorMs;
    if (keepFor <= 0) {
      lru.delete(item.key);
      return;
    }
    value.expiresAt = stamp(now + lifetime);
    lru.set(flatKey(item.key), value);
  };

  const fallback = (key: string, error: SecretRefError): FlightOutcome => {
    const entry = lru?.peek(key);
    if (!entry) return { ok: false, error };
    const now = Date.now();
    if ((error as { transient?: unknown }).transient === true) {
      if (stamp(now) < entry.expiresAt + staleForMs) {
        const failures = (entry.backoff?.failures ?? 0) + 1;
        entry.backoff = { failures, retryAt: now + errorBackoffMs(failures) };
        return { ok: true, value: entry, stale: true };
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
    for (const [key, entry] of [...lru.entries()]) {
      const secretId = entry.secretIdOf(key);
      if (concerns(entry.owner, secretId, entry.payload)) {
        lru.delete(key);
        dropped?.(entry.owner, secretId);
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
        const at = stamp(now);
        if (at < entry.expiresAt) return { state: 'fresh', value: entry };
        const { backoff } = entry;
        if (backoff !== undefined && now < backoff.retryAt && at < entry.expiresAt + staleForMs) {
          return { state: 'stale', value: entry };
        }
      }
      const running = inflight.get(key);
      if (running) return { state: 'inflight', inflight: running };
      return { state: 'miss' };
    },
    fresh(key, now) {
      const entry = lru?.read(key, now);
      if (entry === undefined || stamp(now) >= entry.expiresAt) return undefined;
      return entry;
    },
    refreshDue(key, now) {
      if (!options || options.refreshAheadMs === 0) return false;
      const entry = lru?.peek(key);
      if (entry === undefined) return false;
      const at = stamp(now);
      return (
        at < entry.expiresAt &&
        at >= entry.expiresAt - options.refreshAheadMs &&
        (entry.backoff === undefined || now >= entry.backoff.retryAt) &&
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
            const previous = lru?.peek(key);
            const value = new Entry(result.payload, ++lastSeq, item.spec, item.owner, key, item.secretId);
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
      if (entry === undefined || entry.seq >= value.seq) return;
      lru!.replace(key, entry.adopting(value, key));
    },
    count(prefix) {
      if (!lru) return 0;
      let count = 0;
      for (const key of lru.keys()) if (key.startsWith(prefix)) count++;
      return count;
    },
  };
}
