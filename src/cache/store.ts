import { setMaxListeners } from 'node:events';
import QuickLRU from 'quick-lru';
import type { SecretRefError } from '../errors.js';
import type { SecretPayload } from '../types.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import type { SharedTier } from './tier.js';

/** A fetched secret version with its JSON parsed at most once, on first need. */
export interface CachedPayload {
  readonly payload: SecretPayload;
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
}

/** What a key holds now. */
export type Lookup =
  | { state: 'fresh'; value: CachedPayload }
  | { state: 'inflight'; inflight: InFlight }
  | { state: 'miss' };

/** The fetch result handed to {@link CacheStore.begin}'s `settle`. */
export type Settlement = { ok: true; payload: SecretPayload } | { ok: false; error: SecretRefError };

interface Entry {
  readonly value: CachedPayload;
  readonly expiresAt: number;
  readonly staleUntil: number;
}

/** The stored entries and the fetches in progress, keyed by cache key; shared by the managers of one cache. */
export interface CacheStore {
  /** The cache options, or `undefined` when values are not kept (in-flight fetches are still merged). */
  readonly options: ResolvedSecretCacheOptions | undefined;
  /** The shared tier behind this store (`secret-refs/redis`), read on a miss before the provider. */
  readonly tier: SharedTier | undefined;
  lookup(key: string): Lookup;
  /** Registers one request for `keys`; `settle` must be called once per key. */
  begin(keys: readonly string[]): {
    flight: Flight;
    /** One record per key, in order, to pass to `join`. */
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
   * Drops entries and in-flight fetches whose key starts with `prefix`, so no later read sees them; with `alias`,
   * also the entries under `alias.within` whose payload `alias.matches` (the same secret read under another id).
   */
  invalidate(prefix: string, alias?: { within: string; matches: (payload: SecretPayload) => boolean }): void;
  /** Entries held whose key starts with `prefix`. */
  count(prefix: string): number;
}

/** Creates a store; without options it keeps nothing but still merges concurrent fetches of one key. */
export function createCacheStore(
  options: ResolvedSecretCacheOptions | undefined,
  tier?: SharedTier,
): CacheStore {
  const lru = options ? new QuickLRU<string, Entry>({ maxSize: options.maxSize }) : undefined;
  const inflight = new Map<string, InFlight>();

  const store = (key: string, value: CachedPayload): void => {
    if (!lru || !options) return;
    const now = Date.now();
    const lifetime = options.ttlMs - options.ttlMs * options.jitter * Math.random();
    const keepFor = lifetime + options.staleIfErrorMs;
    if (keepFor <= 0) {
      lru.delete(key);
      return;
    }
    lru.set(key, { value, expiresAt: now + lifetime, staleUntil: now + keepFor }, { maxAge: keepFor });
  };

  const fallback = (key: string, error: SecretRefError): FlightOutcome => {
    const entry = lru?.peek(key);
    if (!entry) return { ok: false, error };
    if ((error as { transient?: unknown }).transient === true) {
      if (Date.now() < entry.staleUntil) return { ok: true, value: entry.value, stale: true };
      return { ok: false, error };
    }
    lru?.delete(key);
    return { ok: false, error };
  };

  return {
    options,
    tier,
    lookup(key) {
      const running = inflight.get(key);
      const entry = lru?.get(key);
      if (entry && Date.now() < entry.expiresAt) return { state: 'fresh', value: entry.value };
      if (running) return { state: 'inflight', inflight: running };
      return { state: 'miss' };
    },
    begin(keys) {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const flight: Flight = { controller, waiters: 0, keys: [...keys] };
      const resolvers = new Map<string, { record: InFlight; resolve: (outcome: FlightOutcome) => void }>();
      const running: InFlight[] = [];
      for (const key of keys) {
        let resolve!: (outcome: FlightOutcome) => void;
        const promise = new Promise<FlightOutcome>((done) => {
          resolve = done;
        });
        const record: InFlight = { promise, flight };
        inflight.set(key, record);
        resolvers.set(key, { record, resolve });
        running.push(record);
      }
      return {
        flight,
        running,
        settle(key, result) {
          const pending = resolvers.get(key);
          if (!pending) return;
          resolvers.delete(key);
          const current = inflight.get(key) === pending.record;
          if (current) inflight.delete(key);
          if (result.ok) {
            const value: CachedPayload = { payload: result.payload };
            if (current) store(key, value);
            pending.resolve({ ok: true, value, stale: false });
          } else {
            pending.resolve(current ? fallback(key, result.error) : { ok: false, error: result.error });
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
    invalidate(prefix, alias) {
      for (const key of [...inflight.keys()]) if (key.startsWith(prefix)) inflight.delete(key);
      if (!lru) return;
      for (const [key, entry] of [...lru]) {
        const isAlias =
          alias !== undefined && key.startsWith(alias.within) && alias.matches(entry.value.payload);
        if (isAlias || key.startsWith(prefix)) lru.delete(key);
      }
    },
    count(prefix) {
      if (!lru) return 0;
      let count = 0;
      for (const key of lru.keys()) if (key.startsWith(prefix)) count++;
      return count;
    },
  };
}
