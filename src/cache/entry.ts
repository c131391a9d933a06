import type { SecretPayload } from '../types.js';
import { keyHoldsSecretId, secretIdOfKey } from './cache-key.js';
import { nameOfArn } from './secret-names.js';
import type { CachedPayload, EntryOwner } from './store-types.js';
import { packVersionId, unpackVersionId } from './version-id.js';

/**
 * Times are kept in milliseconds from this origin, rounded up: small integers, which V8 holds in the field itself,
 * where a `Date.now()` value is a 16-byte heap number per field. They stay small for 49 days of uptime (from
 * -2^31), and are only bigger past that, never wrong. Rounding up changes no comparison with an integer clock.
 */
const ORIGIN = Date.now() + 2 ** 31 - 1;

/** A time as an entry keeps it (see {@link ORIGIN}). */
export const stamp = (time: number): number => Math.ceil(time - ORIGIN);

/** Refresh failures in a row (transient), and when the next try is due. */
export interface Backoff {
  readonly failures: number;
  readonly retryAt: number;
}

/** What few entries have, kept aside so that the others do not pay a field for it. */
interface Rare {
  /** The name, when it is not the one the ARN ends with (or there is no ARN). */
  name?: string | undefined;
  /** The secret id, when the cache key does not hold it (see {@link secretIdOfKey}). */
  secretId?: string;
  secretBinary?: Uint8Array;
  /** The version id, when it is not a UUID (see `packVersionId`). */
  versionId?: string;
  /** Which version was asked for, when not the current one (see `CachedPayload.spec`). */
  spec?: string;
  backoff?: Backoff;
}

/**
 * A cached value and its store entry in one object, its payload's fields included (one header, no pointers
 * between them; the name comes from the ARN and the secret id from the cache key, when they can). `payload` is
 * the object itself. The entry fields mean nothing on a value that was not stored.
 */
export class Entry implements CachedPayload, SecretPayload {
  readonly secretString: string | undefined;
  readonly arn: string | undefined;
  /** The version id, packed (see `packVersionId`). */
  readonly #version: string | undefined;
  json: CachedPayload['json'];
  keyTexts: CachedPayload['keyTexts'];
  /** When it stops being fresh (a {@link stamp}); stale-if-error lasts `staleIfErrorMs` past it. */
  expiresAt: number;
  #rare: Rare | undefined;

  /** The value of `payload` read from `secretId` by `owner`, held (when stored) under `key`. */
  constructor(
    payload: SecretPayload,
    readonly seq: number,
    spec: string,
    readonly owner: EntryOwner,
    key: string,
    secretId: string,
  ) {
    this.secretString = payload.secretString;
    this.arn = payload.arn;
    this.#version = packVersionId(payload.versionId);
    this.json = undefined;
    this.keyTexts = undefined;
    this.expiresAt = 0;
    const rare: Rare = {};
    let any = false;
    if (payload.name !== nameOfArn(payload.arn)) {
      rare.name = payload.name;
      any = true;
    }
    if (payload.secretBinary !== undefined) {
      rare.secretBinary = payload.secretBinary;
      any = true;
    }
    if (this.#version === undefined && payload.versionId !== undefined) {
      rare.versionId = payload.versionId;
      any = true;
    }
    if (spec !== '') {
      rare.spec = spec;
      any = true;
    }
    if (!keyHoldsSecretId(key, owner.identity, secretId)) {
      rare.secretId = secretId;
      any = true;
    }
    this.#rare = any ? rare : undefined;
  }

  /** The payload: this object. */
  get payload(): SecretPayload {
    return this;
  }

  /** The id of the version that was read. */
  get versionId(): string | undefined {
    const packed = this.#version;
    return packed === undefined ? this.#rare?.versionId : unpackVersionId(packed);
  }

  /** Which version was asked for (see `CachedPayload.spec`). */
  get spec(): string {
    return this.#rare?.spec ?? '';
  }

  /** The secret's name. */
  get name(): string | undefined {
    const rare = this.#rare;
    return rare !== undefined && 'name' in rare ? rare.name : nameOfArn(this.arn);
  }

  /** The value, when the secret holds bytes. */
  get secretBinary(): Uint8Array | undefined {
    return this.#rare?.secretBinary;
  }

  /** The secret id this entry was read by, held under `key`. */
  secretIdOf(key: string): string {
    return this.#rare?.secretId ?? secretIdOfKey(key, this.owner.identity) ?? '';
  }

  /** The refresh failures in a row, if any. */
  get backoff(): Backoff | undefined {
    return this.#rare?.backoff;
  }

  set backoff(backoff: Backoff | undefined) {
    if (backoff !== undefined) {
      this.#rare ??= {};
      this.#rare.backoff = backoff;
    } else if (this.#rare !== undefined) delete this.#rare.backoff;
  }

  /** This entry's value replaced by `value` (a newer version of the same secret), its entry fields kept. */
  adopting(value: CachedPayload, key: string): Entry {
    const adopted = new Entry(value.payload, value.seq, value.spec, this.owner, key, this.secretIdOf(key));
    adopted.json = value.json;
    adopted.keyTexts = value.keyTexts;
    adopted.expiresAt = this.expiresAt;
    adopted.backoff = this.backoff;
    return adopted;
  }
}
