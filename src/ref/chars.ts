/**
 * Character classes and message helpers shared by the reference grammar.
 *
 * Kept as small lookup functions (no regular expressions over user text) so that every scan is linear.
 */

/** Longest secret name AWS accepts. */
export const MAX_SECRET_NAME_LENGTH = 512;

/** Longest version stage (staging label) AWS accepts. */
export const MAX_VERSION_STAGE_LENGTH = 256;

/** Longest version id AWS accepts. */
export const MAX_VERSION_ID_LENGTH = 64;

/** Longest connection id (the `manager` of an Activepieces reference) this library accepts. */
export const MAX_MANAGER_LENGTH = 128;

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Whether a character may appear in a secret name: ASCII letters, digits and `/_+=.@-`, plus `!` used by
 * AWS-managed secrets such as `rds!cluster-…`. Staging labels use the same alphabet.
 */
export function isSecretNameChar(code: number): boolean {
  return (
    isAlphanumeric(code) ||
    code === 47 /* / */ ||
    code === 95 /* _ */ ||
    code === 43 /* + */ ||
    code === 61 /* = */ ||
    code === 46 /* . */ ||
    code === 64 /* @ */ ||
    code === 45 /* - */ ||
    code === 33 /* ! */
  );
}

/** Whether a character may appear in a version id: ASCII letters, digits, `-` and `_`. */
export function isVersionIdChar(code: number): boolean {
  return isAlphanumeric(code) || code === 45 || code === 95;
}

/** Whether a character may appear in a connection id: ASCII letters, digits, `-`, `_` and `.`. */
export function isManagerChar(code: number): boolean {
  return isAlphanumeric(code) || code === 45 || code === 95 || code === 46;
}

/** Whether a character is whitespace that a reference may be surrounded by. */
export function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
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
