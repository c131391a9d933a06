import { isLosslessNumber } from 'lossless-json';
import { SecretRefConfigError } from '../errors.js';
import { type JsonKeyPathSegment, parseJsonKeyPath } from './json-key-path.js';
import { encodeJson } from './json-text.js';

/**
 * The outcome of {@link readJsonKey}.
 * @example
 * const result: JsonKeyResult = readJsonKey(JSON.parse(secretString), 'db.password');
 * if (result.found) connect(result.value);
 */
export type JsonKeyResult = { found: true; value: string } | { found: false };

const NOT_FOUND: JsonKeyResult = Object.freeze({ found: false });
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,15})$/;

/** What {@link lookupJsonKey} returns for a key the secret does not have. @internal */
export const MISSING_KEY = Symbol('missing');

/** Whether a parsed JSON value has keys: an object or an array, not an exact number kept as a `LosslessNumber`. */
function hasKeys(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !isLosslessNumber(value);
}

function step(container: unknown, segment: JsonKeyPathSegment): unknown {
  if (!hasKeys(container)) return MISSING_KEY;
  if (Array.isArray(container)) {
    const index =
      typeof segment === 'number' ? segment : ARRAY_INDEX.test(segment) ? Number(segment) : Number.NaN;
    return index >= 0 && index < container.length ? container[index] : MISSING_KEY;
  }
  const key = String(segment);
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : MISSING_KEY;
}

/**
 * What a JSON key holds in a parsed secret: the raw value, `null`, or {@link MISSING_KEY} when there is no such
 * key. Same lookup as {@link readJsonKey} (top-level key first, then a nested path).
 * @internal
 */
export function lookupJsonKey(json: unknown, jsonKey: string): unknown {
  const topLevel = step(json, jsonKey);
  if (topLevel !== MISSING_KEY) return topLevel;
  const path = parseJsonKeyPath(jsonKey);
  if (path === undefined) return MISSING_KEY;
  let current: unknown = json;
  for (const segment of path) {
    current = step(current, segment);
    if (current === MISSING_KEY) return MISSING_KEY;
  }
  return current;
}

/**
 * The text a JSON key's value reads as: a string as is, any other JSON value JSON-encoded, a number (also one
 * nested in the value) as its source text when it comes from `parseSecretJson`; `undefined` for a value that
 * cannot be encoded.
 * @internal
 */
export function jsonValueText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : encodeJson(value);
}

/**
 * Reads `jsonKey` from a parsed JSON secret. A top-level key is looked up first, exactly (own properties
 * only, so `__proto__` or `constructor` never reach `Object.prototype`); when there is none, `jsonKey` is
 * read as a nested path (`db.hosts[0]`, `db["a.b"]`, see `parseJsonKeyPath`).
 *
 * A string is returned as is; any other JSON value JSON-encoded, as ECS does; a missing key or `null` is
 * `{ found: false }`. `json` is expected to come from `JSON.parse`, or from lossless-json's `parse` to get the
 * exact digits of numbers (`1.10` stays `1.10`, as the manager reads secrets); a value that has no JSON text
 * (a function, a BigInt) counts as not found. A `jsonKey` that is not a string throws a `SecretRefConfigError` naming `jsonKey`
 * (`invalid_config`: a wrong argument, not reference text).
 *
 * @example
 * readJsonKey({ db: { hosts: ['a', 'b'] } }, 'db.hosts[1]'); // { found: true, value: 'b' }
 * readJsonKey(parse('{"pin": 9007199254740993}'), 'pin'); // lossless-json parse: { found: true, value: '9007199254740993' }
 */
export function readJsonKey(json: unknown, jsonKey: string): JsonKeyResult {
  if (typeof jsonKey !== 'string') {
    throw new SecretRefConfigError('jsonKey', '`jsonKey` must be a string');
  }
  const value = lookupJsonKey(json, jsonKey);
  if (value === MISSING_KEY || value === undefined || value === null) return NOT_FOUND;
  const text = jsonValueText(value);
  return text === undefined ? NOT_FOUND : { found: true, value: text };
}

/**
 * The top-level key names of a parsed JSON object, for pickers that show names and never values.
 * Anything else (an array, a string, `null`) has no keys: `[]`; the caller decides whether that is an error.
 */
export function listJsonKeys(json: unknown): string[] {
  if (!hasKeys(json) || Array.isArray(json)) return [];
  return Object.keys(json);
}
