import { setMaxListeners } from 'node:events';
import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import type { SecretPayload } from '../types.js';
import { errorBackoffMs } from './backoff.js';
import { createInvalidationLog, type InvalidationLog } from './invalidation-log.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import { mayNameSameSecret, namesSecret } from './secret-names.js';
import type { SharedInvalidation, SharedTier } from './tier.js';

/** A fetched secret version with its JSON parsed at most once, on first need. */
export interface CachedPayload {
  readonly payload: SecretPayload;
  /** Order of arrival among the values of this process: the higher, the more recently fetched. */
  readonly seq: number;
  /** Which version was asked for: the current one (`''`), a stage or a version id (see `versionSpec`). */
  readonly spec: string;
  /** Set by the first JSON read: the parsed value, or `ok: false` when the string is not JSON. */
  json?: { ok: true; value: unknown } | { ok: false };
}

/** What every reader waiting on one key gets when its fetch ends. Never a rejection. */
export type FlightOutcome =
  | { ok: true; value: CachedPayload; stale: boolean }
  | { ok: false; error: SecretRefError };

/** One backend request (a single fetch or a batch), shared by every reader of the keys it serves. */
export interface Flight {
  readonly controller: AbortController;
  /** Readers still waiting; when the last one gives up, the request is aborted. */
  waiters: number;
  readonly keys: string[];
}

/** A key being fetched now. */
export interface InFlight {
  readonly promise: Promise<FlightOutcome>;
  readonly flight: Flight;
  readonly identity: string;
  readonly secretId: string;
}

/** What a key holds now. `stale`: expired, but a refresh failed a moment ago and the next try is not due yet. */
export type Lookup =
  | { state: 'fresh'; value: CachedPayload }
  | { state: 'stale'; value: CachedPayload }
  | { state: 'inflight'; inflight: InFlight }
  | { state: 'miss' };

/** The fetch result handed to {@link CacheStore.begin}'s `settle`; `freshForMs` caps the entry's lifetime. */
export type Settlement =
  | { ok: true; payload: SecretPayload; freshForMs?: number }
  | { ok: false; error: SecretRefError };

/** One key a request is begun for: its cache key and the secret it names, as the caller wrote it. */
export interface FlightItem {
  readonly key: string;
  readonly identity: string;
  readonly secretId: string;
  /** Which version was asked for (see {@link CachedPayload.spec}). */
  readonly spec: string;
}

/** What to drop: everything, one provider identity's entries, or one secret of one identity (every id form). */
export interface InvalidationTarget {
  identity?: string;
  secretId?: string;
}

interface Entry {
  value: CachedPayload;
  expiresAt: number;
  readonly staleUntil: number;
  readonly identity: string;
  readonly secretId: string;
  /** Refresh failures in a row (transient), and when the next try is due. */
  failures: number;
  retryAt: number;
}

/** The stored entries and the fetches in progress, keyed by cache key; shared by the managers of one cache. */
export interface CacheStore {
  /** The cache options, or `undefined` when values are not kept (in-flight fetches are still merged). */
  readonly options: ResolvedSecretCacheOptions | undefined;
  /** The shared tier behind this store (`secret-refs/redis`), read on a miss before the provider. */
  readonly tier: SharedTier | undefined;
  /** The state of one key at time `now` (one clock read per caller, however many keys it looks up). */
  lookup(key: string, now?: number): Lookup;
  /** The value of a fresh entry, or `undefined`: the warm path, which allocates nothing and skips the flights. */
  fresh(key: string, now: number): CachedPayload | undefined;
  /** Registers one request for `items`; `settle` must be called once per key (later calls are ignored). */
  begin(items: readonly FlightItem[]): {
    flight: Flight;
    /** One record per item, in order, to pass to `join`. */
    running: InFlight[];
    settle(key: string, result: Settlement): void;
  };
  /** Counts one more reader of a key being fetched and returns what it will get; `leave` undoes the count. */
  join(running: InFlight): Promise<FlightOutcome>;
  /**
   * A reader of `running` has given up (its signal fired); when every reader of the request has gone, the
   * request itself is aborted and forgotten.
   */
  leave(running: InFlight): void;
  /**
   * Drops the entries and in-flight fetches of `target`, whatever form of the secret id they were read by, so no
   * later read sees them; a fetch in flight now is never stored, even one under another id form whose answer turns
   * out to be that secret.
   */
  invalidate(target: InvalidationTarget): void;
  /** Makes `key` serve `value` (a more recent version of the same secret) for the rest of its lifetime. */
  adopt(key: string, value: CachedPayload): void;
  /** Records that `identity` shares its entries in the tier under `scope` (bus invalidations then reach them). */
  share(identity: string, scope: string): void;
  /** Entries held whose key starts with `prefix`. */
  count(prefix: string): number;
}

let lastSeq = 0;

/** Creates a store; without options it keeps nothing but still merges concurrent fetches of one key. */
export function createCacheStore(
  options: ResolvedSecretCacheOptions | undefined,
  tier?: SharedTier,
): CacheStore {
  const lru = options ? new QuickLRU<string, Entry>({ maxSize: options.maxSize }) : undefined;
  const inflight = new Map<string, InFlight>();
  const log: InvalidationLog = createInvalidationLog();
  const scopes = new Map<string, string>();
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
      identity: item.identity,
      secretId: item.secretId,
      failures: 0,
      retryAt: 0,
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
    concerns: (identity: string, secretId: string, payload?: SecretPayload) => boolean,
  ) => {
    for (const [key, running] of [...inflight]) {
      if (concerns(running.identity, running.secretId)) inflight.delete(key);
    }
    if (!lru) return;
    for (const [key, entry] of [...lru]) {
      if (concerns(entry.identity, entry.secretId, entry.value.payload)) lru.delete(key);
    }
  };

  const invalidate = (target: InvalidationTarget): void => {
    const { identity, secretId } = target;
    const concerns = (entryIdentity: string, entrySecretId: string, payload?: SecretPayload): boolean => {
      if (identity !== undefined && entryIdentity !== identity) return false;
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
    const concerns = (identity: string, secretId: string, payload?: SecretPayload): boolean => {
      const scope = scopes.get(identity);
      if (scope === undefined) return false;
      if (message.scope !== undefined && scope !== message.scope) return false;
      try {
        return message.matches(secretId, payload) === true;
      } catch {
        return true;
      }
    };
    if (liveFlights > 0) log.record(concerns);
    dropMatching(concerns);
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
      const entry = lru?.get(key);
      return entry !== undefined && now < entry.expiresAt ? entry.value : undefined;
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
        const record: InFlight = { promise, flight, identity: item.identity, secretId: item.secretId };
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
          if (!waiting) return;
          pending.delete(key);
          if (pending.size === 0) {
            liveFlights -= 1;
            if (liveFlights === 0) log.clear();
          }
          const { item, record, resolve } = waiting;
          const current = inflight.get(key) === record;
          if (current) inflight.delete(key);
          if (result.ok) {
            const value: CachedPayload = { payload: result.payload, seq: ++lastSeq, spec: item.spec };
            const invalidated = log.concerns(since, item.identity, item.secretId, result.payload);
            if (current && !invalidated) put(item, value, result.freshForMs);
            resolve({ ok: true, value, stale: false });
          } else {
            resolve(current ? fallback(key, result.error) : { ok: false, error: result.error });
          }
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
    share(identity, scope) {
      scopes.set(identity, scope);
    },
    count(prefix) {
      if (!lru) return 0;
      let count = 0;
      for (const key of lru.keys()) if (key.startsWith(prefix)) count++;
      return count;
    },
  };
}
