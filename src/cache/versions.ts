import type { CachedPayload, CacheStore, FlightOutcome } from './store.js';

function sameSecret(first: CachedPayload, second: CachedPayload): boolean {
  return (
    first.spec === second.spec && first.payload.arn !== undefined && first.payload.arn === second.payload.arn
  );
}

function payloadOf(outcome: FlightOutcome): CachedPayload | undefined {
  return outcome.ok ? outcome.value : undefined;
}

/**
 * Within one read, one secret at one version: when two keys hold the same secret (same ARN, same version asked for
 * — a name and an ARN of it, say) from different fetches, both get the most recently fetched value, and the cache
 * entry of the other key adopts it, so a rotation never pairs an old username with a new password. `outcomes` are
 * changed in place.
 */
export function oneVersionPerSecret(
  keys: readonly string[],
  outcomes: FlightOutcome[],
  store: CacheStore,
): void {
  const count = keys.length;
  // Past a few keys, the newest value of each secret is found in one pass rather than by comparing every pair.
  const newest = count <= 16 ? undefined : newestBySecret(outcomes);
  for (let index = 0; index < count; index++) {
    const outcome = outcomes[index]!;
    const value = payloadOf(outcome);
    if (value === undefined || value.payload.arn === undefined) continue;
    let latest = value;
    if (newest !== undefined) latest = newest.get(groupOf(latest)) ?? latest;
    else {
      for (let other = 0; other < count; other++) {
        const candidate = payloadOf(outcomes[other]!);
        if (candidate !== undefined && candidate.seq > latest.seq && sameSecret(candidate, latest)) {
          latest = candidate;
        }
      }
    }
    if (latest !== value) {
      outcomes[index] = { ok: true, value: latest, stale: outcome.ok && outcome.stale };
      store.adopt(keys[index]!, latest);
    }
  }
}

function groupOf(value: CachedPayload): string {
  return `${value.spec}\0${value.payload.arn}`;
}

function newestBySecret(outcomes: readonly FlightOutcome[]): Map<string, CachedPayload> {
  const newest = new Map<string, CachedPayload>();
  for (const outcome of outcomes) {
    const value = payloadOf(outcome);
    if (value === undefined || value.payload.arn === undefined) continue;
    const group = groupOf(value);
    const known = newest.get(group);
    if (known === undefined || known.seq < value.seq) newest.set(group, value);
  }
  return newest;
}
