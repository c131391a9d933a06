import { abortError } from '../abort.js';
import type { Emit } from '../events.js';
import { asSecretRefError, checkFetchResult, checkPayload, malformed } from '../provider/answer.js';
import type { FetchResult, SecretLocator, SecretPayload, SecretProvider } from '../types.js';
import { versionSpec } from './cache-key.js';
import type { CacheStore, EntryOwner, FlightItem, InFlight } from './store.js';
import type { SharedHit, SharedMark, SharedMiss } from './tier.js';

/** A key to fetch and the locator it stands for. */
export interface Missing {
  key: string;
  locator: SecretLocator;
}

/** How a request runs: a read past the caches (`refresh`), or a refresh ahead of expiry in the background. */
interface RequestMode {
  refresh?: boolean;
  background?: boolean;
}

/** What a manager's requests share. */
export interface RequestContext {
  /** The provider that answers what no cache holds (its identity keys the entries). */
  provider: SecretProvider;
  /** The in-process store, shared by the managers of one cache (and the shared tier behind it). */
  store: CacheStore;
  /** Where the events go; `undefined` when nobody listens. */
  emit: Emit;
  /**
   * What the store keeps with each entry of this manager; its `scope` is the provider's scope in the store's shared
   * tier (`undefined`: the tier is not used).
   */
  owner: EntryOwner;
  /** Settles once `owner.scope` is known, when the provider's shared identity is read asynchronously. */
  scopeReady?: Promise<void> | undefined;
  /** Where each shared entry that failed to decrypt or verify is counted (`stats().sharedRejected`). */
  counters: { sharedRejected: number };
}

/**
 * Starts one request for `missing` (a batch of current versions, or one version alone) and returns the records
 * readers join. It reads the shared tier first (unless `refresh`), then the provider for what is left; whatever
 * either answers, every key is settled exactly once, with a payload or a typed error, and nothing rejects.
 */
export function startRequest(
  context: RequestContext,
  missing: readonly Missing[],
  mode: RequestMode,
): InFlight[] {
  const { provider, store, emit } = context;
  let scope = context.owner.scope;
  const items: FlightItem[] = missing.map(({ key, locator }) => ({
    key,
    owner: context.owner,
    secretId: locator.secretId,
    spec: versionSpec(locator),
  }));
  const { flight, running, settle } = store.begin(items);
  const { signal } = flight.controller;
  const began = performance.now();
  const tickets = new Map<Missing, SharedMiss>();
  let since: SharedMark | undefined;

  const finish = (
    item: Missing,
    answer: FetchResult,
    from: 'shared' | 'provider',
    freshForMs?: number,
  ): void => {
    const ticket = tickets.get(item);
    tickets.delete(item);
    if (ticket !== undefined && answer.ok) ticket.commit(answer.payload);
    else ticket?.release();
    const { previous, committed } = settle(item.key, answer, freshForMs);
    // A read past the caches drops the shared entry and tells every process, whether or not this process held a
    // copy (what it held says nothing of what Redis and the others hold), and leaves what it read in Redis — unless
    // an invalidation heard during its fetch made the answer older than that (the store refused it): then only the
    // drop. An invalidation whose bus message comes after the answer is not heard here: the tier refuses the write by
    // the mark taken before the fetch (src/redis/PROTOCOL.md).
    if (mode.refresh && answer.ok && from === 'provider' && scope !== undefined) {
      const { locator } = item;
      const replacement =
        committed && since !== undefined ? { locator, payload: answer.payload, since } : undefined;
      void store.tier?.invalidate(scope, locator.secretId, replacement);
    }
    if (emit === undefined) return;
    const durationMs = performance.now() - began;
    const { secretId } = item.locator;
    if (!answer.ok) {
      const { code, message } = answer.error;
      emit({ type: 'error', secretId, tier: from, durationMs, code, message });
      if (mode.background) emit({ type: 'refresh', secretId, tier: from, durationMs, ok: false });
      return;
    }
    if (from === 'provider') {
      emit({ type: 'fetch', secretId, tier: 'provider', durationMs, ...version(answer.payload) });
    }
    if (mode.background) emit({ type: 'refresh', secretId, tier: from, durationMs, ok: true });
    const before = previous?.payload.versionId;
    if (previous !== undefined && before !== answer.payload.versionId) {
      emit({
        type: 'changed',
        secretId,
        ...(before === undefined ? {} : { previousVersionId: before }),
        ...version(answer.payload),
      });
    }
  };

  /** One answer of the shared tier: a usable hit settles its key (true); a miss keeps its ticket, to fetch. */
  const fromShared = (item: Missing, read: SharedHit | SharedMiss): boolean => {
    if (read.hit) {
      const checked = checkPayload(read.payload, provider, item.locator);
      if (checked.ok) {
        emit?.({ type: 'hit', secretId: item.locator.secretId, tier: 'shared' });
        finish(item, checked, 'shared', Math.max(0, read.freshForMs));
        return true;
      }
    } else {
      tickets.set(item, read);
      if (read.rejected === true) {
        context.counters.sharedRejected++;
        emit?.({
          type: 'error',
          secretId: item.locator.secretId,
          tier: 'shared',
          code: 'decryption_failed',
          message:
            'The shared entry in Redis failed to decrypt or verify, or is larger than any entry the tier writes (another encryptionKey, or a changed entry); it was read from the provider instead',
        });
      }
    }
    emit?.({ type: 'miss', secretId: item.locator.secretId, tier: 'shared' });
    return false;
  };
  const fetchNow = (items: readonly Missing[]): Promise<void> => {
    // Every reader has left (the request is aborted): what a wait decides afterwards is not sent to the provider.
    if (signal.aborted) {
      const error = abortError(signal);
      for (const item of items) finish(item, { ok: false, error }, 'provider');
      return Promise.resolve();
    }
    return fetchFromProvider(provider, items, signal, (item, answer) => finish(item, answer, 'provider'));
  };

  void (async () => {
    if (context.scopeReady !== undefined) {
      await context.scopeReady;
      scope = context.owner.scope;
    }
    if (scope === undefined || store.tier === undefined || mode.refresh) {
      // A read past the caches notes where the shared store stands before it asks the provider (one round trip).
      if (mode.refresh && scope !== undefined) since = await store.tier?.mark?.(scope);
      await fetchNow(missing);
      return;
    }
    const locators = missing.map((item) => item.locator);
    const aheadMs = mode.background ? (store.options?.refreshAheadMs ?? 0) : 0;
    const reads = await store.tier.read(scope, locators, signal, { aheadMs });
    const rest: Missing[] = [];
    const waits: Promise<void>[] = [];
    // Entries another process is fetching while this read holds leases: fetched (in one batch per answer that comes
    // in the same turn) only if the wait ends in a miss, while what this read holds is fetched at once.
    let batch: Missing[] = [];
    let batchFetch: Promise<void> | undefined;
    const fetchSoon = (item: Missing): Promise<void> => {
      batch.push(item);
      batchFetch ??= Promise.resolve().then(() => {
        const items = batch;
        batch = [];
        batchFetch = undefined;
        return fetchNow(items);
      });
      return batchFetch;
    };
    missing.forEach((item, index) => {
      const read = reads[index]!;
      if ('waiting' in read) {
        waits.push(read.waiting.then((settled) => (fromShared(item, settled) ? undefined : fetchSoon(item))));
      } else if (!fromShared(item, read)) rest.push(item);
    });
    await Promise.all([fetchNow(rest), ...waits]);
  })();
  return running;
}

function version(payload: SecretPayload): { versionId?: string } {
  return payload.versionId === undefined ? {} : { versionId: payload.versionId };
}

/**
 * Asks the provider for `missing`: several current versions in one `fetchMany` call when it has one, else one
 * `fetch` each; every answer checked (see `checkPayload`), every failure a typed error.
 */
async function fetchFromProvider(
  provider: SecretProvider,
  missing: readonly Missing[],
  signal: AbortSignal,
  settle: (item: Missing, answer: FetchResult) => void,
): Promise<void> {
  if (missing.length > 1 && provider.fetchMany) {
    const locators = missing.map((item) => item.locator);
    // The provider is not ours to trust (a custom one may throw, reject or answer anything): every answer is
    // checked, every failure becomes a typed error for its keys.
    try {
      const results: unknown = await provider.fetchMany(locators, { signal });
      missing.forEach((item, index) => {
        const problem = !Array.isArray(results)
          ? '`fetchMany` did not resolve with an array'
          : index >= results.length
            ? '`fetchMany` gave no result for it'
            : undefined;
        settle(
          item,
          problem === undefined
            ? checkFetchResult((results as unknown[])[index], provider, item.locator)
            : { ok: false, error: malformed(provider, item.locator, problem) },
        );
      });
    } catch (error) {
      for (const item of missing)
        settle(item, { ok: false, error: asSecretRefError(error, provider, item.locator) });
    }
    return;
  }
  await Promise.all(
    missing.map(async (item) => {
      try {
        const payload: unknown = await provider.fetch(item.locator, { signal });
        settle(item, checkPayload(payload, provider, item.locator));
      } catch (error) {
        settle(item, { ok: false, error: asSecretRefError(error, provider, item.locator) });
      }
    }),
  );
}
