import { SecretRefSyntaxError } from '../errors.js';

/** Character classes and message helpers of the reference grammar. */

/** Longest version stage (staging label) AWS accepts. */
export const MAX_VERSION_STAGE_LENGTH = 256;

/** Longest version id AWS accepts. */
export const MAX_VERSION_ID_LENGTH = 64;

/** Longest connection id (the `manager` of an Activepieces reference) this library accepts. */
export const MAX_MANAGER_LENGTH = 128;

/**
 * A test for one character: ASCII letters and digits plus `extra`. A lookup table, not a regular expression over
 * user text, so that every scan stays linear and allocation-free.
 */
function charClass(extra: string): (code: number) => boolean {
  const allowed = new Uint8Array(128);
  for (const char of `0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz${extra}`) {
    allowed[char.charCodeAt(0)] = 1;
  }
  return (code) => code < 128 && allowed[code] === 1;
}

/** A secret name's characters, plus `!` of AWS-managed secrets such as `rds!cluster-…`; staging labels too. */
export const isSecretNameChar = charClass('/_+=.@-!');
/** A version id's characters; a service name's after `resolve:` too. */
export const isVersionIdChar = charClass('-_');
/** A connection id's characters; a Parameter Store label's too. */
export const isManagerChar = charClass('-_.');
/** A Parameter Store name's characters. */
export const isParameterNameChar = charClass('-_./');
/** ASCII letters and digits. */
export const isAlphanumeric = charClass('');

/** Whether a character is whitespace that a reference may be surrounded by. */
export function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The character (whole code point) at `offset`, quoted for a message: `"#"`, `" "`, `"\n"`. */
export function describeChar(text: string, offset: number): string {
  const codePoint = text.codePointAt(offset);
  return JSON.stringify(codePoint === undefined ? '' : String.fromCodePoint(codePoint));
}

/** A fragment of reference text, quoted for a message and shortened past `max` characters. */
export function quote(text: string, max = 40): string {
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}…` : JSON.stringify(text);
}

/**
 * `input[start, end)` when every character is `allowed` and there are at most `maxLength`.
 * @throws {SecretRefSyntaxError} at the first bad character, or where the text runs past `maxLength`.
 */
export function checkChars(
  input: string,
  start: number,
  end: number,
  allowed: (code: number) => boolean,
  maxLength: number,
  what: string,
): string {
  for (let i = start; i < end; i++) {
    if (!allowed(input.charCodeAt(i))) {
      throw new SecretRefSyntaxError(input, i, `${what} has invalid character ${describeChar(input, i)}`);
    }
  }
  if (end - start > maxLength) {
    throw new SecretRefSyntaxError(
      input,
      start + maxLength,
      `${what} is longer than ${maxLength} characters`,
    );
  }
  return input.slice(start, end);
}
