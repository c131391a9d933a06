import { SecretRefSyntaxError } from '../errors.js';
import { isAlphanumeric, quote } from './chars.js';

/**
 * Activepieces writes `{{<connectionId>|ap_sep_v1|<secret-id>:<json-key>}}`. A braced span holding the separator's
 * stem `|ap_sep_` with another version (`|ap_sep_v2|`) or a misspelt one (`|ap_sep_vl|`) is meant as such a
 * reference too: it is reported, never passed on as if it were a value.
 */

/** The separator between connection id and secret path in an Activepieces reference. */
export const ACTIVEPIECES_SEPARATOR = '|ap_sep_v1|';

/** What every Activepieces separator starts with; the scanner looks for this. */
export const SEPARATOR_STEM = '|ap_sep_';

/** A separator's version (`v1`) longer than this is not read as one. */
const MAX_VERSION_LENGTH = 16;

/**
 * Offset just past the separator whose stem starts at `stem`: past its version (ASCII letters and digits, at most
 * 16) and the closing `|` when there is one, within `limit`.
 */
export function separatorEnd(input: string, stem: number, limit: number): number {
  const versionStart = stem + SEPARATOR_STEM.length;
  const runLimit = Math.min(limit, versionStart + MAX_VERSION_LENGTH);
  let i = versionStart;
  while (i < runLimit && isAlphanumeric(input.charCodeAt(i))) i++;
  return i < limit && input.charCodeAt(i) === 124 /* | */ ? i + 1 : i;
}

/**
 * The error for a separator at `stem` that is not `|ap_sep_v1|`: `unsupported_reference` naming it, or
 * `invalid_reference` when only the closing `|` of `|ap_sep_v1|` is missing.
 */
export function badSeparator(input: string, stem: number, limit: number): SecretRefSyntaxError {
  const found = input.slice(stem, separatorEnd(input, stem, limit));
  if (found === ACTIVEPIECES_SEPARATOR.slice(0, -1)) {
    return new SecretRefSyntaxError(input, stem + found.length, `expected "|" after ${quote(found)}`);
  }
  return new SecretRefSyntaxError(
    input,
    stem,
    `Activepieces separator ${quote(found)} is not supported: only "${ACTIVEPIECES_SEPARATOR}" is`,
    { code: 'unsupported_reference' },
  );
}
