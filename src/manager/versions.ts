import type { CachedPayload, CacheStore, FlightOutcome } from '../cache/store.js';
import type { SecretLocator } from '../types.js';

/** Which version a locator asks for, as text: `''` for the current one, `stage:<label>` or `id:<version id>`. */
export function versionSpec(locator: SecretLocator): string {
  if (locator.versionId !== undefined) return `id:${locator.versionId}`;
  if (locator.versionStage === undefined || locator.versionStage === 'AWSCURRENT') return '';
  return `stage:${locator.versionStage}`;
}

function sameSecret(first: CachedPayload, second: CachedPayload): boolean {
  return (
    first.spec === second.spec && first.payload.arn !== undefined && first.payload.arn === second.payload.arn
  );
}

/**
 * Within one read, one secret at one version: when two keys of `outcomes` hold the same secret (same ARN, same
 * version asked for — a name and an ARN of it, say) from different fetches, both get the most recently fetched
 * value, and the cache entry of the other key adopts it, so a rotation never pairs an old username with a new
 * password. Changes `outcomes` in place.
 */
export function oneVersionPerSecret(
  keys: readonly string[],
  outcomes: FlightOutcome[],
  store: CacheStore,
): void {
  const newest = outcomes.length <= 16 ? undefined : newestBySecret(outcomes);
  for (let index = 0; index < outcomes.length; index++) {
    const outcome = outcomes[index]!;
    if (!outcome.ok || outcome.value.payload.arn === undefined) continue;
    let latest = outcome.value;
    if (newest !== undefined) latest = newest.get(groupOf(latest)) ?? latest;
    else {
      for (const other of outcomes) {
        if (other.ok && other.value.seq > latest.seq && sameSecret(other.value, latest)) latest = other.value;
      }
    }
    if (latest !== outcome.value) {
      outcomes[index] = { ok: true, value: latest, stale: outcome.stale };
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
    if (!outcome.ok || outcome.value.payload.arn === undefined) continue;
    const group = groupOf(outcome.value);
    const known = newest.get(group);
    if (known === undefined || known.seq < outcome.value.seq) newest.set(group, outcome.value);
  }
  return newest;
}
