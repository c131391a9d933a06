import type { SecretPayload } from '../types.js';
import type { EntryOwner } from './store-types.js';

/** Whether an invalidation concerns a value: the provider identity, the secret id it was read by, its payload. */
export type Concerns = (owner: EntryOwner, secretId: string, payload?: SecretPayload) => boolean;

/** Records kept at most; past that the oldest go, and fetches older than they are are never stored. */
const INVALIDATION_LOG_SIZE = 1_000;

/**
 * The invalidations made while fetches were in flight, so that a fetch which began before one of them never stores
 * its answer when the invalidation names that secret — by the id it was read by or by the name and ARN in its
 * answer (read by ARN, invalidated by name, say). A generation check rather than luck.
 */
export function createInvalidationLog() {
  let generation = 0;
  let floor = 0;
  let records: { generation: number; concerns: Concerns }[] = [];
  return {
    /** The current generation: what a fetch notes when it begins. */
    mark: () => generation,
    /** Records an invalidation. */
    record(concerns: Concerns): void {
      generation += 1;
      records.push({ generation, concerns });
      if (records.length > INVALIDATION_LOG_SIZE) floor = records.shift()!.generation;
    },
    /** True when an invalidation recorded after generation `since` concerns this answer. */
    concerns(
      since: number,
      owner: EntryOwner,
      secretId: string,
      payload: SecretPayload | undefined,
    ): boolean {
      if (since < floor) return true;
      for (let index = records.length - 1; index >= 0; index--) {
        const record = records[index]!;
        if (record.generation <= since) break;
        if (record.concerns(owner, secretId, payload)) return true;
      }
      return false;
    },
    /** Forgets every record (no fetch is in flight any more). */
    clear(): void {
      records = [];
    },
  };
}
