import QuickLRU from 'quick-lru';
import { markParsed } from '../ref/parsed-ref.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRefMatch } from '../types.js';

const NO_MATCHES: readonly SecretRefMatch[] = Object.freeze([]);
const OPEN_BRACE = 0x7b;

function isWellFormed(matches: readonly SecretRefMatch[]): boolean {
  for (const match of matches) if (match.error !== undefined) return false;
  return true;
}

/** How many distinct strings {@link scanSecretRefsMemo} remembers (QuickLRU may hold up to twice as many). */
export const SCAN_MEMO_SIZE = 1_000;
/** Longer strings are scanned anew each time, so the memo holds at most a few megabytes. */
export const SCAN_MEMO_MAX_LENGTH = 1_024;

const memo = new QuickLRU<string, readonly SecretRefMatch[]>({ maxSize: SCAN_MEMO_SIZE });
/** Strings seen once: a string is remembered only when it comes back, so a stream of new strings does not churn. */
const seen = new QuickLRU<string, true>({ maxSize: SCAN_MEMO_SIZE });
/**
 * {@link scanSecretRefs} remembered per string, for connections resolved again and again. A string is remembered
 * the second time it is met, so strings met once (a new reference per call) cost a plain scan, never a memo's
 * churn, and are neither frozen nor marked (marking costs more than the validation it saves for a string never met
 * again). A remembered result is frozen and marked as parsed (see `isParsedRef`): no caller can change what the
 * next one gets, and a manager need not validate it again. A string holding a malformed reference, or longer than
 * {@link SCAN_MEMO_MAX_LENGTH}, is scanned anew each time (each caller gets its own error).
 * @internal
 */
export function scanSecretRefsMemo(text: string): readonly SecretRefMatch[] {
  if (typeof text !== 'string') return NO_MATCHES;
  // Most strings hold no brace at all: a one-character search turns them away faster than a search for `{{`; a
  // reference usually begins at the first brace, so the second character is looked at before searching again.
  const brace = text.indexOf('{');
  if (brace === -1 || (text.charCodeAt(brace + 1) !== OPEN_BRACE && text.indexOf('{{', brace + 1) === -1)) {
    return NO_MATCHES;
  }
  if (text.length > SCAN_MEMO_MAX_LENGTH) return scanSecretRefs(text);
  const known = memo.get(text);
  if (known !== undefined) return known;
  const matches = scanSecretRefs(text);
  if (!seen.has(text)) {
    if (isWellFormed(matches)) seen.set(text, true);
    return matches;
  }
  if (!markParsed(matches)) return matches;
  seen.delete(text);
  memo.set(text, matches);
  return matches;
}
