import { SecretRefConfigError } from '../errors.js';
import type { SecretRef } from '../types.js';
import type { PathSegment } from './walk.js';

/**
 * Where a value is about to be substituted, for an {@link Encoder}.
 * @example
 *   const encode = (value: string, site: EncodeSite) => (site.whole ? value : encodeURIComponent(value));
 */
export interface EncodeSite {
  /** Where the string holding the reference sits. */
  path: PathSegment[];
  /** True when the string is exactly the reference (the value becomes the whole field). */
  whole: boolean;
  /** The reference text, as written. */
  ref: string;
  /** The parsed reference. */
  secretRef: SecretRef;
}

/**
 * Turns a secret value into the text substituted for its reference, for values that need escaping where they land
 * (a URL, a shell line, a connection string). Called for every substituted string value, whole or embedded.
 * @example
 *   const encode: Encoder = (value, site) => (site.whole ? value : value.replaceAll(';', '\\;'));
 *   await resolveConnection(connection, manager, { encode });
 */
export type Encoder = (value: string, site: EncodeSite) => string;

/**
 * The `encode` option: `'uri'` percent-encodes (as `encodeURIComponent`) each value substituted inside a longer
 * string and leaves whole-field values as they are; a function encodes as it likes.
 * @example
 *   const encode: EncodeOption = 'uri';
 *   await resolveConnection({ dsn: 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@db/app' }, manager, { encode });
 */
export type EncodeOption = 'uri' | Encoder;

/** @internal Validates `encode` at once. */
export function readEncode(encode: unknown): EncodeOption | undefined {
  if (encode === undefined || encode === 'uri' || typeof encode === 'function') return encode as EncodeOption;
  throw new SecretRefConfigError('encode', "`encode` must be 'uri' or a function (value, site) => string");
}

/** The text to substitute, or why it cannot be given (never quoting the value). */
type Encoded = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Applies `encode` to one value; a throwing encoder, one returning a non-string, or a value `'uri'` cannot encode
 * (an unpaired surrogate) is a failure whose reason holds no part of the value.
 * @internal
 */
export function applyEncode(
  encode: EncodeOption,
  value: string,
  whole: boolean,
  site: () => EncodeSite,
): Encoded {
  if (encode === 'uri') {
    if (whole) return { ok: true, text: value };
    try {
      return { ok: true, text: encodeURIComponent(value) };
    } catch {
      return {
        ok: false,
        reason: "its value cannot be percent-encoded for `encode: 'uri'` (it holds an unpaired surrogate)",
      };
    }
  }
  let text: unknown;
  try {
    text = encode(value, site());
  } catch {
    return { ok: false, reason: '`encode` threw for its value' };
  }
  if (typeof text !== 'string') {
    return {
      ok: false,
      reason: `\`encode\` returned ${kindOf(text)}, not a string`,
    };
  }
  return { ok: true, text };
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
