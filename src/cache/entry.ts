import type { SecretPayload } from '../types.js';
import type { CachedPayload, EntryOwner } from './store-types.js';

/**
 * A cached secret version and its place in the store: the checked payload, the JSON parsed on first need, and
 * when it stops being fresh. The entry fields mean nothing on a value that was not stored.
 *
 * The entry holds the payload's fields itself and is its own `payload`: one object an entry rather than two (~32
 * bytes less an entry in "memory per entry" of `npm run bench`, `BENCH_ONLY=memory`); the bytes of a binary secret
 * live in a subclass, so that a string secret carries no empty field for them. The fields are copied from the
 * checked, frozen payload and never change.
 */
export class Entry implements CachedPayload, SecretPayload {
  readonly secretString: string | undefined;
  readonly arn: string | undefined;
  readonly name: string | undefined;
  readonly versionId: string | undefined;
  json: CachedPayload['json'] = undefined;
  /** When it stops being fresh (`Date.now()` time); stale-if-error lasts `staleIfErrorMs` past it. */
  expiresAt = 0;
  /** The secret id the entry was read by. */
  readonly secretId: string;

  /** The entry for `payload` read from `secretId` by `owner`, asked for as `spec`. */
  static of(payload: SecretPayload, seq: number, spec: string, owner: EntryOwner, secretId: string): Entry {
    return payload.secretBinary === undefined
      ? new Entry(payload, seq, spec, owner, secretId)
      : new BinaryEntry(payload, seq, spec, owner, secretId, payload.secretBinary);
  }

  protected constructor(
    payload: SecretPayload,
    readonly seq: number,
    readonly spec: string,
    readonly owner: EntryOwner,
    secretId: string,
  ) {
    this.secretString = payload.secretString;
    this.arn = payload.arn;
    this.name = payload.name;
    this.versionId = payload.versionId;
    // The id as written is often a slice of the caller's longer text (a reference with a JSON key), which it would
    // keep alive as long as the entry; the payload's equal name or ARN is held anyway ("memory per entry" in
    // `npm run bench`).
    this.secretId =
      payload.name === secretId ? payload.name : payload.arn === secretId ? payload.arn : secretId;
  }

  get secretBinary(): Uint8Array | undefined {
    return undefined;
  }

  /** The secret version: this entry's own payload fields. */
  get payload(): SecretPayload {
    return this;
  }

  /** This entry's value replaced by `value` (a newer version of the same secret), its entry fields kept. */
  adopting(value: CachedPayload): Entry {
    const adopted = Entry.of(value.payload, value.seq, value.spec, this.owner, this.secretId);
    adopted.json = value.json;
    adopted.expiresAt = this.expiresAt;
    return adopted;
  }
}

/** The entry of a secret that holds bytes (`secretBinary`), and perhaps a string too. */
class BinaryEntry extends Entry {
  readonly #bytes: Uint8Array;

  constructor(
    payload: SecretPayload,
    seq: number,
    spec: string,
    owner: EntryOwner,
    secretId: string,
    bytes: Uint8Array,
  ) {
    super(payload, seq, spec, owner, secretId);
    this.#bytes = bytes;
  }

  override get secretBinary(): Uint8Array {
    return this.#bytes;
  }
}
