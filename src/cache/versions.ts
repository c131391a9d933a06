import type { CachedPayload, CacheStore, FlightOutcome } from './store.js';

function sameSecret(first: CachedPayload, second: CachedPayload): boolean {
  return (
    first.spec === second.spec && first.payload.arn !== undefined && first.payload.arn === second.payload.arn
  );
}

/**
 * Within one read, one secret at one version: when two keys hold the same secret (same ARN, same version asked for
 * — a name and an ARN of it, say) from different fetches, both get the most recently fetched value, and the cache
 * entry of the other key adopts it, so a rotation never pairs an old username with a new password. `valueAt` reads
 * the value of key `index` (`undefined`: a failure), `replace` puts the newer one in its place.
 */
export function unifyVersions(
  keys: readonly string[],
  valueAt: (index: number) => CachedPayload | undefined,
  replace: (index: number, value: CachedPayload) => void,
  store: CacheStore,
): void {
  const count = keys.length;
  const newest = count <= 16 ? undefined : newestBySecret(count, valueAt);
  for (let index = 0; index < count; index++) {
    const value = valueAt(index);
    if (value === undefined || value.payload.arn === undefined) continue;
    let latest = value;
    if (newest !== undefined) latest = newest.get(groupOf(latest)) ?? latest;
    else {
      for (let other = 0; other < count; other++) {
        const candidate = valueAt(other);
        if (candidate !== undefined && candidate.seq > latest.seq && sameSecret(candidate, latest)) {
          latest = candidate;
        }
      }
    }
    if (latest !== value) {
      replace(index, latest);
      store.adopt(keys[index]!, latest);
    }
  }
}

/** {@link unifyVersions} over the outcomes of a load, changed in place. */
export function oneVersionPerSecret(
  keys: readonly string[],
  outcomes: FlightOutcome[],
  store: CacheStore,
): void {
  unifyVersions(
    keys,
    (index) => {
      const outcome = outcomes[index]!;
      return outcome.ok ? outcome.value : undefined;
    },
    (index, value) => {
      const outcome = outcomes[index]!;
      outcomes[index] = { ok: true, value, stale: outcome.ok && outcome.stale };
    },
    store,
  );
}

function groupOf(value: CachedPayload): string {
  return `${value.spec}\0${value.payload.arn}`;
}

function newestBySecret(
  count: number,
  valueAt: (index: number) => CachedPayload | undefined,
): Map<string, CachedPayload> {
  const newest = new Map<string, CachedPayload>();
  for (let index = 0; index < count; index++) {
    const value = valueAt(index);
    if (value === undefined || value.payload.arn === undefined) continue;
    const group = groupOf(value);
    const known = newest.get(group);
    if (known === undefined || known.seq < value.seq) newest.set(group, value);
  }
  return newest;
}
