import { type CachedPayload, NOT_JSON } from '../cache/store-types.js';
import { SecretFetchError, type SecretRefErrorCode } from '../errors.js';
import { jsonValueText, lookupJsonKey, MISSING_KEY } from '../ref/json-key.js';
import { parseSecretJson, toPlainJson } from '../ref/json-text.js';
import type { SecretRef } from '../types.js';
import { refText } from './ref-input.js';

function quoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * The parsed JSON of a payload's string, parsed on first use and kept with the payload ({@link NOT_JSON} when it
 * is not JSON); numbers are kept as their source text (see `parseSecretJson`).
 */
export function parsedJson(cached: CachedPayload, text: string): unknown {
  if (cached.json === undefined) {
    const parsed = parseSecretJson(text);
    cached.json = parsed.ok ? parsed.value : NOT_JSON;
  }
  return cached.json;
}

/** The secret string of a payload; a binary-only secret is a `binary_secret` error. */
function secretString(cached: CachedPayload, ref: SecretRef): string {
  const { payload } = cached;
  const { secretString } = payload;
  if (typeof secretString === 'string') return secretString;
  if (payload.secretBinary !== undefined) {
    throw failure(
      'binary_secret',
      `Secret ${quoted(ref.secretId)} holds binary data (SecretBinary), not a string; read it with getSecretBinary()`,
      ref,
    );
  }
  throw noValue(ref);
}

/**
 * The JSON value of a secret string, to read `jsonKey` from (or to list its keys, without one); a string that is
 * not JSON is a `not_json` error (without the parser's message).
 */
export function secretJson(cached: CachedPayload, ref: SecretRef, jsonKey?: string): unknown {
  const parsed = parsedJson(cached, secretString(cached, ref));
  if (parsed === NOT_JSON) {
    const purpose =
      jsonKey === undefined ? 'it has no JSON keys' : `JSON key ${quoted(jsonKey)} cannot be read from it`;
    throw failure('not_json', `Secret ${quoted(ref.secretId)} is not valid JSON, so ${purpose}`, ref);
  }
  return parsed;
}

/** The value of a reference's JSON key, as parsed; a string that is not JSON, a missing key or `null` throws. */
function jsonKeyValue(cached: CachedPayload, ref: SecretRef, jsonKey: string): unknown {
  const value = lookupJsonKey(secretJson(cached, ref, jsonKey), jsonKey);
  if (value === MISSING_KEY || value === null || value === undefined) {
    throw failure(
      'json_key_not_found',
      value === null
        ? `JSON key ${quoted(jsonKey)} in secret ${quoted(ref.secretId)} holds null, not a value`
        : `JSON key ${quoted(jsonKey)} was not found in secret ${quoted(ref.secretId)}`,
      ref,
    );
  }
  return value;
}

function keyText(value: unknown, ref: SecretRef, jsonKey: string): string {
  const text = jsonValueText(value);
  if (text === undefined) {
    throw failure(
      'json_key_not_found',
      `JSON key ${quoted(jsonKey)} in secret ${quoted(ref.secretId)} holds a value that cannot be encoded as JSON`,
      ref,
    );
  }
  return text;
}

/** What `getSecret` returns for a reference: the whole string, or the value of its JSON key. */
export function readSecretValue(cached: CachedPayload, ref: SecretRef): string {
  return readSecretResult(cached, ref).value;
}

/**
 * An ok result of `getSecrets`: `value` as `readSecretValue` gives it, plus `json` when the key holds a non-string
 * that JavaScript can hold exactly (a number with more digits than a double keeps is only its text, in `value`).
 */
export function readSecretResult(
  cached: CachedPayload,
  ref: SecretRef,
): { ok: true; value: string; json?: unknown } {
  const { jsonKey } = ref;
  if (!jsonKey) return { ok: true, value: secretString(cached, ref) };
  const value = jsonKeyValue(cached, ref, jsonKey);
  if (typeof value === 'string') return { ok: true, value };
  const text = keyText(value, ref, jsonKey);
  const json = toPlainJson(value);
  return json === undefined ? { ok: true, value: text } : { ok: true, value: text, json };
}

/** What `getSecretBinary` returns: a copy of the secret's bytes; a string secret is a `not_binary` error. */
export function readSecretBinary(cached: CachedPayload, ref: SecretRef): Uint8Array {
  const { secretBinary, secretString } = cached.payload;
  if (ref.jsonKey) {
    throw failure(
      'invalid_reference',
      `getSecretBinary() reads a whole binary secret; reference to secret ${quoted(ref.secretId)} names JSON key ${quoted(ref.jsonKey)}`,
      ref,
    );
  }
  if (secretBinary !== undefined) return secretBinary.slice();
  if (typeof secretString === 'string') {
    throw failure(
      'not_binary',
      `Secret ${quoted(ref.secretId)} holds a string (SecretString), not binary data; read it with getSecret()`,
      ref,
    );
  }
  throw noValue(ref);
}

function noValue(ref: SecretRef): SecretFetchError {
  return failure(
    'provider_error',
    `Secret ${quoted(ref.secretId)} has neither a string nor a binary value`,
    ref,
  );
}

function failure(code: SecretRefErrorCode, message: string, ref: SecretRef): SecretFetchError {
  return new SecretFetchError(code, message, { ref: refText(ref) });
}
