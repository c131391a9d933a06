import { Entry } from './entry.js';
import type { CachedPayload, CacheStore, FlightOutcome } from './store.js';

/**
 * One secret at one version: the same ARN asked for the same version (`spec`) under the same provider identity. The
 * identity counts once values come from several managers: two providers may give one ARN to different secrets (two
 * memory providers, an endpoint that stands in for AWS), and neither may be handed the other's value.
 */
function sameSecret(first: CachedPayload, second: CachedPayload): boolean {
  return (
    first.spec === second.spec &&
    first.payload.arn !== undefined &&
    first.payload.arn === second.payload.arn &&
    identityOf(first) === identityOf(second)
  );
}

/** The provider identity a value was fetched under; every value the stores hand out is an entry. */
function identityOf(value: CachedPayload): string | undefined {
  return value instanceof Entry ? value.owner.identity : undefined;
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
  olderVersions(outcomes, payloadOf, (index, latest) => {
    const outcome = outcomes[index]!;
    outcomes[index] = { ok: true, value: latest, stale: outcome.ok && outcome.stale };
    store.adopt(keys[index]!, latest);
  });
}

/**
 * The one detector of this rule, for one manager's read ({@link oneVersionPerSecret}) and for a resolve across
 * several managers (their values compared once all have answered, see `fetch-refs.ts`): calls `replace` with each
 * item whose value has a more recently fetched value of the same secret among the items, and the newest of them.
 * `seq` orders the values of every store of the process, so values of managers with caches of their own compare too.
 */
export function olderVersions<T>(
  items: readonly T[],
  valueIn: (item: T) => CachedPayload | undefined,
  replace: (index: number, latest: CachedPayload) => void,
): void {
  const count = items.length;
  // Past a few items, the newest value of each secret is found in one pass rather than by comparing every pair.
  const newest = count <= 16 ? undefined : newestBySecret(items, valueIn);
  for (let index = 0; index < count; index++) {
    const value = valueIn(items[index]!);
    if (value === undefined || value.payload.arn === undefined) continue;
    let latest = value;
    if (newest !== undefined) latest = newest.get(groupOf(latest)) ?? latest;
    else {
      for (let other = 0; other < count; other++) {
        const candidate = valueIn(items[other]!);
        if (candidate !== undefined && candidate.seq > latest.seq && sameSecret(candidate, latest)) {
          latest = candidate;
        }
      }
    }
    if (latest !== value) replace(index, latest);
  }
}

function groupOf(value: CachedPayload): string {
  return `${identityOf(value)}\0${value.spec}\0${value.payload.arn}`;
}

function newestBySecret<T>(
  items: readonly T[],
  valueIn: (item: T) => CachedPayload | undefined,
): Map<string, CachedPayload> {
  const newest = new Map<string, CachedPayload>();
  for (const item of items) {
    const value = valueIn(item);
    if (value === undefined || value.payload.arn === undefined) continue;
    const group = groupOf(value);
    const known = newest.get(group);
    if (known === undefined || known.seq < value.seq) newest.set(group, value);
  }
  return newest;
}
