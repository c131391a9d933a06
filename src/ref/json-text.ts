import { isLosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * Secret JSON read without losing a digit. `JSON.parse` turns `9007199254740993` into `9007199254740992` and
 * `1.10` into `1.1`; a PIN, an account number or a version string held as a JSON number must come back as the
 * secret holds it. lossless-json keeps each number as its source text (a `LosslessNumber`, recognised by a
 * registered symbol that JSON data cannot forge); everything else parses as `JSON.parse` does, a repeated key
 * included (the last one wins).
 */

/** Like `JSON.stringify`: a BigInt (never parsed from JSON) has no JSON text. */
function refuseBigInt(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') throw new TypeError('a BigInt is not JSON');
  return value;
}

const lastWins = ({ newValue }: { newValue: unknown }): unknown => newValue;

/**
 * The parsed JSON of a secret string, numbers kept as their source text; `{ ok: false }` when the text is not
 * JSON (or nests too deeply to read: a few thousand levels).
 * @internal
 */
export function parseSecretJson(text: string): { ok: true; value: unknown } | { ok: false } {
  // lossless-json builds each string a character at a time (a chain of ~32-byte pieces per character, held for
  // the life of the cache entry). A string found as is in the text becomes a slice of it (a 20-byte view of the
  // secret string the entry holds anyway); one with escapes is flattened. See "memory per entry read by JSON key"
  // in `npm run bench` (BENCH_ONLY=memory).
  const compact = (_key: string, value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const at = text.indexOf(value);
    if (at >= 0) return text.slice(at, at + value.length);
    Number(value);
    return value;
  };
  try {
    return { ok: true, value: parse(text, compact, { onDuplicateKey: lastWins }) };
  } catch {
    // The secret's text is the provider's: it may be no JSON at all, or nest deeper than the parser's stack.
    return { ok: false };
  }
}

/** The source text of a JSON number read by {@link parseSecretJson}; `undefined` for any other value. @internal */
export function numberText(value: unknown): string | undefined {
  return isLosslessNumber(value) ? value.toString() : undefined;
}

/**
 * The text of a non-string JSON value: JSON-encoded with numbers written as their source text (so a nested value
 * keeps its digits too); `undefined` for a value that cannot be encoded.
 * @internal
 */
export function encodeJson(value: unknown): string | undefined {
  const text = numberText(value);
  if (text !== undefined) return text;
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
