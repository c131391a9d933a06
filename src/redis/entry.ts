import type { SecretPayload } from '../types.js';

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
