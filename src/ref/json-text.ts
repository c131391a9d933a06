import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * Secret JSON read without losing a digit. `JSON.parse` turns `9007199254740993` into `9007199254740992` and
 * `1.10` into `1.1`; a PIN, an account number or a version string held as a JSON number must come back as the
 * secret holds it. lossless-json keeps each such number as its source text (a `LosslessNumber`, recognised by a
 * registered symbol that JSON data cannot forge); everything else parses as `JSON.parse` does, a repeated key
 * included (the last one wins).
 */

/** Like `JSON.stringify`: a BigInt (never parsed from JSON) has no JSON text. */
function refuseBigInt(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') throw new TypeError('a BigInt is not JSON');
  return value;
}

const lastWins = ({ newValue }: { newValue: unknown }): unknown => newValue;

/** Below this length V8 copies a substring anyway (a sliced string is 32 bytes whatever its length). */
const MIN_SLICE = 13;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const NUMBER_PART = /[0-9.eE+-]/;

/** True when a JSON number's text is what its JavaScript number writes back (`5432`, `1.5`; not `1.10`, `1e2`, `-0`). */
function writesBack(token: string): boolean {
  return String(Number(token)) === token;
}

/**
 * True when every number in `text` (a `-` or a digit outside the strings, up to the end of its token) writes back
 * as its own text, so that `JSON.parse` reads each exactly.
 */
function numbersWriteBack(text: string): boolean {
  const { length } = text;
  for (let at = 0; at < length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      for (at++; at < length && text.charCodeAt(at) !== QUOTE; at++) {
        if (text.charCodeAt(at) === BACKSLASH) at++;
      }
    } else if (code === MINUS || (code >= ZERO && code <= NINE)) {
      const start = at;
      while (at + 1 < length && NUMBER_PART.test(text[at + 1]!)) at++;
      if (!writesBack(text.slice(start, at + 1))) return false;
    }
  }
  return true;
}

/** A JSON number as a JavaScript number when that number writes back as the same text, else as its text. */
function exactNumber(text: string): unknown {
  return writesBack(text) ? Number(text) : new LosslessNumber(text);
}

/**
 * The parsed JSON of a secret string, every number exact: a JavaScript number when it writes back as its source
 * text (`5432`, `1.5`), else the source text as a `LosslessNumber` (`9007199254740993`, `1.10`, `1e2`, `-0`);
 * `{ ok: false }` when the text is not JSON (or nests too deeply to read: a few thousand levels).
 *
 * The cache keeps this value for as long as the entry (see "memory per entry read by JSON key" in `npm run bench`,
 * `BENCH_ONLY=memory`): a text whose numbers all write back as their own text is read by `JSON.parse`, whose
 * objects are the size of their keys (lossless-json's have room for four more); a string found as is in the text is kept as a slice of it (a 32-byte
 * view of the secret string the entry holds anyway) rather than as a copy.
 * @internal
 */
export function parseSecretJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const slices = (_key: string, value: unknown): unknown => {
    if (typeof value !== 'string' || value.length < MIN_SLICE) return value;
    const at = text.indexOf(value);
    return at >= 0 ? text.slice(at, at + value.length) : value;
  };
  if (numbersWriteBack(text)) {
    try {
      return { ok: true, value: JSON.parse(text, slices) };
    } catch {
      // Not JSON, or nested past the reviver's stack: lossless-json below gives the answer, as for any text.
    }
  }
  // lossless-json builds each string a character at a time (a chain of ~32-byte pieces): flattened when kept.
  const compact = (key: string, value: unknown): unknown => {
    const kept = slices(key, value);
    if (kept === value && typeof value === 'string') Number(value);
    return kept;
  };
  try {
    return {
      ok: true,
      value: parse(text, compact, { parseNumber: exactNumber, onDuplicateKey: lastWins }),
    };
  } catch {
    // The secret's text is the provider's: it may be no JSON at all, or nest deeper than the parser's stack.
    return { ok: false };
  }
}

/**
 * The text of a non-string JSON value: JSON-encoded with numbers written as their source text (so a nested value
 * keeps its digits too); `undefined` for a value that cannot be encoded.
 * @internal
 */
export function encodeJson(value: unknown): string | undefined {
  if (isLosslessNumber(value)) return value.toString();
  try {
    return stringify(value, refuseBigInt);
  } catch {
    // The value comes from a secret's JSON: it may nest deeper than the stack lets stringify go.
    return undefined;
  }
}

const UNSAFE = Symbol('unsafe');

function plain(value: unknown): unknown {
  if (isLosslessNumber(value)) {
    const text = value.toString();
    if (!isSafeNumber(text)) throw UNSAFE;
    return Number(text);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(plain);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, {
      value: plain((value as Record<string, unknown>)[key]),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * A fresh, plain copy of a value read by {@link parseSecretJson}, numbers as JavaScript numbers; `undefined` when
 * a number in it has more digits than a JavaScript number holds (`9007199254740993`, `1e400`), so that no caller
 * is handed a rounded number: the exact text is the only form of such a value.
 * @internal
 */
export function toPlainJson(value: unknown): unknown {
  try {
    return plain(value);
  } catch {
    // Unwinds on a number no JavaScript number holds (UNSAFE), or on a secret's JSON nested past the stack.
    return undefined;
  }
}
