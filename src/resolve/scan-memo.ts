import QuickLRU from 'quick-lru';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRef, SecretRefMatch } from '../types.js';

const NO_MATCHES: readonly SecretRefMatch[] = Object.freeze([]);

/** How many distinct strings {@link scanSecretRefsMemo} remembers (QuickLRU may hold up to twice as many). */
export const SCAN_MEMO_SIZE = 1_000;
/** Longer strings are scanned anew each time, so the memo holds at most a few megabytes. */
export const SCAN_MEMO_MAX_LENGTH = 1_024;

const memo = new QuickLRU<string, readonly SecretRefMatch[]>({ maxSize: SCAN_MEMO_SIZE });
const parsedRefs = new WeakSet<SecretRef>();

/**
 * {@link scanSecretRefs} remembered per string, for the strings of connections resolved again and again. The
 * result and its matches and references are frozen, so no caller can change what the next one gets. A string
 * holding a malformed reference, or longer than {@link SCAN_MEMO_MAX_LENGTH}, is scanned anew each time (so each
 * caller gets its own error).
 * @internal
 * @example
 *   const matches = scanSecretRefsMemo(text); // the same frozen array for the same text, until evicted
 */
export function scanSecretRefsMemo(text: string): readonly SecretRefMatch[] {
  if (typeof text !== 'string' || !text.includes('{{')) return NO_MATCHES;
  if (text.length > SCAN_MEMO_MAX_LENGTH) return scanSecretRefs(text);
  const known = memo.get(text);
  if (known !== undefined) return known;
  const matches = scanSecretRefs(text);
  if (matches.some((match) => match.error !== undefined)) return matches;
  for (const match of matches) {
    parsedRefs.add(Object.freeze(match.ref as SecretRef));
    Object.freeze(match);
  }
  memo.set(text, Object.freeze(matches));
  return matches;
}

/**
 * True for a frozen reference produced by the parser for {@link scanSecretRefsMemo}: it is known valid and cannot
 * change, so it need not be validated again.
 * @internal
 */
export function isParsedRef(ref: unknown): ref is SecretRef {
  return typeof ref === 'object' && ref !== null && parsedRefs.has(ref as SecretRef);
}
