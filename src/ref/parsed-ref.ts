import type { SecretRef, SecretRefMatch } from '../types.js';

/** The references the parser made and froze: known valid, unchangeable, so never validated again. */
const parsedRefs = new WeakSet<SecretRef>();

/**
 * Freezes well-formed scanner matches and their references and marks the references as parsed (see
 * {@link isParsedRef}); false, with nothing changed, when a match is malformed.
 * @internal
 */
export function markParsed(matches: readonly SecretRefMatch[]): boolean {
  for (const match of matches) if (match.error !== undefined) return false;
  for (const match of matches) {
    parsedRefs.add(Object.freeze(match.ref as SecretRef));
    Object.freeze(match);
  }
  Object.freeze(matches);
  return true;
}

/**
 * True for a frozen reference produced by the parser (see {@link markParsed}): it is known valid and cannot
 * change, so it need not be validated again.
 * @internal
 */
export function isParsedRef(ref: unknown): ref is SecretRef {
  return typeof ref === 'object' && ref !== null && parsedRefs.has(ref as SecretRef);
}
