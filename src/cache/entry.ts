import type { SecretPayload } from '../types.js';
import type { CachedPayload, EntryOwner } from './store-types.js';

/**
 * A cached secret version and its place in the store: the checked payload, the JSON parsed on first need, and
 * when it stops being fresh. The entry fields mean nothing on a value that was not stored.
 */
export class Entry implements CachedPayload {
  json: CachedPayload['json'] = undefined;
  /** When it stops being fresh (`Date.now()` time); stale-if-error lasts `staleIfErrorMs` past it. */
  expiresAt = 0;

  /** The secret id the entry was read by. */
  readonly secretId: string;

  /** The value of `payload` read from `secretId` by `owner`, asked for as `spec`. */
  constructor(
    readonly payload: SecretPayload,
    readonly seq: number,
    readonly spec: string,
    readonly owner: EntryOwner,
    secretId: string,
  ) {
    // The id as written is often a slice of the caller's longer text (a reference with a JSON key), which it would
    // keep alive as long as the entry; the payload's equal name or ARN is held anyway ("memory per entry" in
    // `npm run bench`).
    this.secretId =
      payload.name === secretId ? payload.name : payload.arn === secretId ? payload.arn : secretId;
  }

  /** This entry's value replaced by `value` (a newer version of the same secret), its entry fields kept. */
  adopting(value: CachedPayload): Entry {
    const adopted = new Entry(value.payload, value.seq, value.spec, this.owner, this.secretId);
    adopted.json = value.json;
    adopted.expiresAt = this.expiresAt;
    return adopted;
  }
}
