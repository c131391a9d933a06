import type { SecretRefError } from '../errors.js';
import type { FetchResult, SecretPayload } from '../types.js';
import type { ResolvedSecretCacheOptions } from './options.js';
import type { SharedTier } from './tier.js';

/** A fetched secret version with its JSON parsed at most once, on first need. */
export interface CachedPayload {
  readonly payload: SecretPayload;
  /** Order of arrival among the values of this process: the higher, the more recently fetched. */
  readonly seq: number;
  /** Which version was asked for: the current one (`''`), a stage or a version id (see `versionSpec`). */
  readonly spec: string;
  /**
   * Set by the first JSON read: the parsed value, or {@link NOT_JSON} when the string is not JSON; `undefined`
   * until then. Held as it is, without a wrapper, since every entry read by JSON key keeps it.
   */
  json?: unknown;
}

/** What {@link CachedPayload.json} holds for a string that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * What a read of one key gives: the cached value (`stale`: served past its expiry because a refresh failed), or the
 * typed error of its fetch. Every reader waiting on one key gets the same one; never a rejection.
 */
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
  readonly owner: EntryOwner;
  readonly secretId: string;
}

/**
 * The manager side of an entry: its provider identity and, when it shares through the tier, its scope and who to
 * tell of entries a bus invalidation drops. One object per manager, shared by all its entries.
 */
export interface EntryOwner {
  readonly identity: string;
  /** The provider's scope in the shared tier; bus invalidations of that scope reach the entry. */
  readonly scope?: string | undefined;
  /** Told the secret id of each entry a bus invalidation drops (an `invalidated` event). */
  readonly onDrop?: ((secretId: string) => void) | undefined;
}

/** What a key holds now. `stale`: expired, but a refresh failed a moment ago and the next try is not due yet. */
type Lookup =
  | { state: 'fresh'; value: CachedPayload }
  /** A `secret_not_found` / `access_denied` answer remembered for `negativeTtlMs`. */
  | { state: 'remembered'; error: SecretRefError }
  | { state: 'stale'; value: CachedPayload }
  | { state: 'inflight'; inflight: InFlight }
  | { state: 'miss' };

/** One key a request is begun for: its cache key and the secret it names, as the caller wrote it. */
export interface FlightItem {
  readonly key: string;
  readonly owner: EntryOwner;
  readonly secretId: string;
  /** Which version was asked for (see {@link CachedPayload.spec}). */
  readonly spec: string;
}

/** What to drop: everything, one provider identity's entries, or one secret of one identity (every id form). */
export interface InvalidationTarget {
  identity?: string;
  secretId?: string;
  /** Keys whose stored entries stay (a read past the caches refreshing them, which may fall back to them). */
  keep?: readonly string[];
}

/** The stored entries and the fetches in progress, keyed by cache key; shared by the managers of one cache. */
export interface CacheStore {
  /** The cache options, or `undefined` when values are not kept (in-flight fetches are still merged). */
  readonly options: ResolvedSecretCacheOptions | undefined;
  /** The shared tier behind this store (`secret-refs/redis`), read on a miss before the provider. */
  readonly tier: SharedTier | undefined;
  /** The state of one key at time `now` (one clock read per caller, however many keys it looks up). */
  lookup(key: string, now?: number): Lookup;
  /** The value of `key` when it is fresh at `now`, else `undefined`: step (1) of the read path, allocating nothing. */
  fresh(key: string, now: number): CachedPayload | undefined;
  /**
   * True when a fresh entry is within `refreshAheadMs` of its expiry, no fetch of it is in flight and no failed
   * refresh is backing off: the caller should start one background refresh.
   */
  refreshDue(key: string, now: number): boolean;
  /** Registers one request for `items`; `settle` must be called once per key (later calls are ignored). */
  begin(items: readonly FlightItem[]): {
    flight: Flight;
    /** One record per item, in order, to pass to `join`. */
    running: InFlight[];
    /**
     * Hands the provider's (or the shared tier's) result to every reader and stores it when the invalidation rule
     * allows (see {@link CacheStore.invalidate}); `freshForMs` caps the entry's lifetime. Returns the value the key
     * held before a successful fetch, fresh or not (for `changed` events), and whether the rule let the answer be
     * committed (an answer it refused must not be written to the shared tier). A failure is never stored; the rule
     * decides whether it is remembered (`negativeTtlMs`), and `committed` is false.
     */
    settle(
      key: string,
      result: FetchResult,
      freshForMs?: number,
    ): { previous: CachedPayload | undefined; committed: boolean };
  };
  /** Counts one more reader of a key being fetched and returns what it will get; `leave` undoes the count. */
  join(running: InFlight): Promise<FlightOutcome>;
  /**
   * A reader of `running` has given up (its signal fired); when every reader of the request has gone, the
   * request itself is aborted and forgotten (the count is what makes a caller's abort reach the backend).
   */
  leave(running: InFlight): void;
  /**
   * Drops the entries and in-flight fetches of `target`, whatever form of the secret id they were read by, so no
   * later read sees them; a fetch in flight now is never stored, even one under another id form whose answer turns
   * out to be that secret.
   */
  invalidate(target: InvalidationTarget): void;
  /**
   * Makes `key` serve `value` (a more recent version of the same secret) for the rest of its lifetime; a value whose
   * own commit was refused (see {@link CacheStore.invalidate}) is never adopted.
   */
  adopt(key: string, value: CachedPayload): void;
  /** Entries held whose key starts with `prefix`. */
  count(prefix: string): number;
}
