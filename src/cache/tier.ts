import type { SecretLocator, SecretPayload, SecretProvider } from '../types.js';

/**
 * A cache tier behind the in-process store, shared by many processes (the Redis tier of `secret-refs/redis`).
 *
 * The manager reads through it when the in-process store misses, and writes back what it fetched. A tier never
 * throws and never rejects: a tier that is down, slow or refusing answers "miss" within its own time bound, so it
 * can make a read slower by that bound at most and never makes it fail.
 * @internal
 */
export interface SharedTier {
  /**
   * The scope under which a provider's entries are shared: the same text in every process that has the same trust
   * (region, endpoint, credentials), or `undefined` when the provider cannot be shared (it then skips the tier). A
   * promise when the provider's identity is read asynchronously (an injected AWS client's region and endpoint); it
   * rejects when that identity cannot be read (the provider is then not shared).
   */
  scopeOf(provider: SecretProvider): string | undefined | Promise<string | undefined>;
  /**
   * Reads the entries of `locators` (one scope), one answer per locator, in order: a hit, or a miss that the caller
   * fills by fetching from the provider and calling `commit` (or `release` when the fetch failed). Between `read`
   * and `commit` the tier may hold a short lease so that a cold fleet fetches each secret about once; it may wait,
   * within its bound, for another process's fetch of the same entry and answer with that — or, when this read took
   * leases itself, answer at once with the entries it holds and a {@link SharedWait} for each it waits on, so that
   * no reader waits while it holds what another may be waiting for. With `aheadMs` (a
   * refresh ahead of expiry), an entry expiring within `aheadMs` is a miss for the one process that takes its lease
   * (it refreshes the entry for the fleet) and is waited on by the others.
   */
  read(
    scope: string,
    locators: readonly SecretLocator[],
    signal?: AbortSignal,
    options?: { readonly aheadMs?: number },
  ): Promise<SharedRead[]>;
  /**
   * Where the shared store stands now: a read past the caches takes it before its fetch and gives it back with
   * what it fetched (`invalidate`'s `replacement`). `undefined` when the tier cannot say (the answer is then not
   * written, only the invalidation). Never rejects.
   */
  mark?(scope: string): Promise<SharedMark | undefined>;
  /**
   * Drops one secret (every id form it was read by, every version) or, without `secretId`, every entry of the
   * scope — in the shared store and, over the bus, in every process. A `commit` of a fetch that began before this
   * call is refused (a generation check). The returned promise (which never rejects) settles once the shared
   * store recorded it (or could not) and this process's own listeners have been told, without waiting for the bus.
   * With `replacement` (a read past the caches: what it fetched, and the `mark` taken before that fetch), that value
   * is written as the entry right after the invalidation, so the fleet reads it from the shared store rather than
   * the provider — unless an invalidation of the secret was recorded after the mark (by any process, however late
   * its bus message): the answer may then be older than the version that invalidation announced.
   */
  invalidate(
    scope: string,
    secretId?: string,
    replacement?: {
      readonly locator: SecretLocator;
      readonly payload: SecretPayload;
      readonly since: SharedMark;
    },
  ): Promise<void>;
  /**
   * Registers the listener for invalidations made by other processes, and for a lost subscription (then
   * `scope` is `undefined`: drop every shared entry, since what was missed cannot be known). Returns the unsubscribe.
   */
  onInvalidate(listener: (message: SharedInvalidation) => void): () => void;
}

/** A point in the shared store's sequence of invalidations (see {@link SharedTier.mark}). */
export interface SharedMark {
  readonly epoch: string;
  readonly seq: string;
}

/** The answer of {@link SharedTier.read} for one locator: a hit, a miss to fetch, or a wait on another process. */
export type SharedRead = SharedHit | SharedMiss | SharedWait;

/** The shared entry, fresh. */
export interface SharedHit {
  readonly hit: true;
  readonly payload: SecretPayload;
  /** How much longer the shared entry is fresh; the in-process copy expires no later. */
  readonly freshForMs: number;
}

/** Nothing to use: the caller fetches from the provider, then calls `commit` (or `release`). */
export interface SharedMiss {
  readonly hit: false;
  /**
   * The shared entry was there but cannot be used: it failed to decrypt or verify (another key, or a changed
   * entry), or it is longer than any entry the tier writes (Redis did not even send it). A miss to report: an
   * `error` event (`tier: 'shared'`) and `stats().sharedRejected`. Both cases use the code `decryption_failed`
   * (no SecretRef code says "oversized"; an entry too large to have been written by the tier is as
   * untrustworthy as one that fails to verify, and the operator's check is the same: the fleet's keys and what
   * else writes into the namespace in Redis).
   */
  readonly rejected?: true;
  /** Writes what the caller fetched (refused when an invalidation came in between). Never throws. */
  commit(payload: SecretPayload): void;
  /** The fetch failed: lets go of the lease, writes nothing. Never throws. */
  release(): void;
}

/**
 * Another process holds the entry's lease, and this read holds leases of its own: the caller fetches what it holds
 * now (its commits are what the other process may be waiting on) and takes this entry's answer when `waiting`
 * settles (never rejects; never another wait).
 */
export interface SharedWait {
  readonly hit: false;
  readonly waiting: Promise<SharedHit | SharedMiss>;
}

/** An invalidation that reached this process from the bus. */
export interface SharedInvalidation {
  /** The scope it concerns; `undefined` for every scope (the subscription was lost). */
  readonly scope: string | undefined;
  /**
   * True when an in-process entry is concerned: `secretId` as the entry was read, `payload` as it was fetched
   * (its name and ARN). Always true for a scope-wide invalidation.
   */
  matches(secretId: string, payload: SecretPayload | undefined): boolean;
}
