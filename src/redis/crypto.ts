/**
 * The shared tier's cryptography: every key it uses is derived from the user's `encryptionKey` with HKDF-SHA-256,
 * and nothing it writes to Redis can be read, moved or forged without that key.
 *
 * Derived keys (HKDF, salt `secret-refs/redis`, one `info` each): `encrypt v1` (AES-256-GCM), `names v1` (HMAC of
 * key names and id forms), `bus v1` (HMAC of bus messages), `identity v1` (the digest given to
 * `SecretProvider.sharedIdentity`), `key id v1` (4 bytes naming the key in an entry).
 *
 * An entry's value in Redis is the base64 text of:
 *
 * | bytes | what |
 * | --- | --- |
 * | 1 | format version, `1` |
 * | 4 | key id: which `encryptionKey` encrypted it (every key in the array decrypts) |
 * | 12 | random nonce |
 * | n | AES-256-GCM ciphertext of the entry's JSON (the payload and its absolute expiry time, `encodeEntry`) |
 * | 16 | GCM tag |
 *
 * Authenticated data: `secret-refs/redis|1|<namespace>|<epoch>|<entry name>|<key id>`, then `|o<order>` for an
 * entry written with a fetch order, so an entry copied under another name, into another namespace, replayed after a
 * namespace clear (a new epoch) or given another order fails to verify; the expiry inside the plaintext bounds the
 * replay of an older value of the same entry to its own lifetime.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretPayload } from '../types.js';

const FORMAT = 1;
const SALT = 'secret-refs/redis';
const KEY_ID_BYTES = 4;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

/**
 * The length of the text {@link sealEntry} makes of a plaintext of `bytes` UTF-8 bytes: the header, the
 * ciphertext and the tag, as base64.
 */
export function sealedLength(bytes: number): number {
  return 4 * Math.ceil((HEADER_BYTES + bytes + TAG_BYTES) / 3);
}

/** The keys derived from one `encryptionKey`. */
export interface DerivedKey {
  /** 8 hex characters naming the key inside entries; derived, so it tells nothing about the key. */
  readonly id: string;
  readonly encrypt: Buffer;
  readonly names: Buffer;
  readonly bus: Buffer;
  readonly identity: Buffer;
}

function derive(material: Uint8Array, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', material, SALT, info, length));
}

/**
 * Derives the tier's keys from 32 bytes of key material.
 * @example
 *   const key = deriveKey(randomBytes(32));
 */
export function deriveKey(material: Uint8Array): DerivedKey {
  return Object.freeze({
    id: derive(material, 'key id v1', KEY_ID_BYTES).toString('hex'),
    encrypt: derive(material, 'encrypt v1'),
    names: derive(material, 'names v1'),
    bus: derive(material, 'bus v1'),
    identity: derive(material, 'identity v1'),
  });
}

/**
 * A keyed digest of `parts` (each prefixed by its length, so no two lists collide), as 32 hex characters (128 bits).
 * @example
 *   const scope = hmacHex(key.names, 'scope', scopeText);
 */
export function hmacHex(key: Buffer, ...parts: string[]): string {
  return hmacHexOf(key, lengthPrefixed(parts));
}

/** {@link hmacHex} of parts already joined by {@link lengthPrefixed}. */
export function hmacHexOf(key: Buffer, prefixed: string): string {
  return createHmac('sha256', key).update(prefixed).digest('hex').slice(0, 32);
}

/**
 * `parts` as one text, each prefixed by its length in bytes: no two lists give the same text.
 * @example
 *   lengthPrefixed(['ab', 'c']); // '2:ab1:c'
 */
export function lengthPrefixed(parts: readonly string[]): string {
  let text = '';
  for (const part of parts) text += `${Buffer.byteLength(part)}:${part}`;
  return text;
}

/** Where an entry lives: the authenticated data that binds its ciphertext to it. */
interface EntrySite {
  readonly namespace: string;
  readonly epoch: string;
  readonly name: string;
  /** The fetch order the entry is written under (bound too: an entry whose order was changed does not verify). */
  readonly order?: string | undefined;
}

function aad(site: EntrySite, keyId: string): Buffer {
  const order = site.order === undefined ? '' : `|o${site.order}`;
  return Buffer.from(
    `secret-refs/redis|${FORMAT}|${site.namespace}|${site.epoch}|${site.name}|${keyId}${order}`,
  );
}

/**
 * Encrypts `plaintext` for `site` under `key`; returns the entry's text (base64).
 * @example
 *   const text = sealEntry(key, { namespace: 'prod', epoch, name }, encodeEntry(payload, expiresAt));
 */
export function sealEntry(key: DerivedKey, site: EntrySite, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.encrypt, nonce);
  cipher.setAAD(aad(site, key.id));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const header = Buffer.concat([Buffer.from([FORMAT]), Buffer.from(key.id, 'hex'), nonce]);
  return Buffer.concat([header, body, cipher.getAuthTag()]).toString('base64');
}

/**
 * Decrypts an entry's text for `site` with whichever of `keys` its key id names; `undefined` when the text is
 * malformed, names no key held, or fails to verify (tampered, moved, replayed under another epoch, wrong key).
 * @example
 *   const plaintext = openEntry([newKey, oldKey], { namespace: 'prod', epoch, name }, text);
 */
export function openEntry(keys: readonly DerivedKey[], site: EntrySite, text: string): string | undefined {
  const raw = Buffer.from(text, 'base64');
  if (raw.length < HEADER_BYTES + TAG_BYTES || raw[0] !== FORMAT) return undefined;
  const keyId = raw.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key.encrypt,
      raw.subarray(1 + KEY_ID_BYTES, HEADER_BYTES),
    );
    decipher.setAAD(aad(site, keyId));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = raw.subarray(HEADER_BYTES, raw.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The largest secret AWS stores: 64 KiB, as a string or as binary. */
const MAX_SECRET_BYTES = 65_536;
/**
 * The largest plaintext the tier writes, in UTF-8 bytes: a 64 KiB secret string whose every byte JSON escapes to
 * six (`\u0001`), plus as much again for the name, ARN, version id and stages. A payload past it (a custom
 * provider's) is not shared.
 */
export const MAX_ENTRY_PLAINTEXT_BYTES = 6 * MAX_SECRET_BYTES + MAX_SECRET_BYTES;

/** The plaintext of a shared entry: the payload's fields under short names, and when the entry expires. */
interface EntryJson {
  s?: string;
  b?: string;
  a?: string;
  n?: string;
  v?: string;
  g?: string[];
  /** Absolute expiry, ms since the epoch. */
  x: number;
}

/** The payload's text fields, by their short names. */
const TEXTS = [
  ['s', 'secretString'],
  ['a', 'arn'],
  ['n', 'name'],
  ['v', 'versionId'],
] as const;

/**
 * The JSON text encrypted into a shared entry.
 * @example
 *   const plaintext = encodeEntry({ secretString: 'pw', name: 'prod/db' }, Date.now() + 300_000);
 */
export function encodeEntry(payload: SecretPayload, expiresAt: number): string {
  const json: EntryJson = { x: expiresAt };
  for (const [field, name] of TEXTS) if (payload[name] !== undefined) json[field] = payload[name];
  if (payload.secretBinary !== undefined) json.b = Buffer.from(payload.secretBinary).toString('base64');
  if (payload.versionStages !== undefined) json.g = [...payload.versionStages];
  return JSON.stringify(json);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * The payload and expiry of a decrypted entry; `undefined` when its shape is wrong (an entry is only ever
 * written by this module, so a wrong shape is a bug or another format, and is treated as a miss).
 * @example
 *   const entry = decodeEntry(plaintext); // { payload, expiresAt } or undefined
 */
export function decodeEntry(text: string): { payload: SecretPayload; expiresAt: number } | undefined {
  let json: Partial<Record<keyof EntryJson, unknown>>;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || typeof json.x !== 'number') return undefined;
  const payload: SecretPayload = {};
  for (const [field, name] of TEXTS) {
    const value = json[field];
    if (value === undefined) continue;
    if (!isString(value)) return undefined;
    payload[name] = value;
  }
  if (json.b !== undefined) {
    if (!isString(json.b)) return undefined;
    payload.secretBinary = new Uint8Array(Buffer.from(json.b, 'base64'));
  }
  if (json.g !== undefined) {
    if (!Array.isArray(json.g) || !json.g.every(isString)) return undefined;
    payload.versionStages = [...json.g];
  }
  return { payload, expiresAt: json.x };
}
