import { formatSecretRef } from '../ref/format.js';
import { parseSecretRef } from '../ref/parse.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import { validateSecretRef } from '../ref/validate.js';
import type { SecretRef } from '../types.js';

/**
 * The reference a caller passed: text is parsed (`SecretRefSyntaxError` on bad text); an object is checked, so
 * that a JavaScript caller gets a typed `invalid_reference` error rather than a crash. A frozen reference the
 * parser made (as `resolveConnection` passes) is already valid and is used as it is.
 */
export function toRef(input: SecretRef | string): SecretRef {
  if (typeof input === 'string') return parseSecretRef(input);
  return isParsedRef(input) ? input : validateSecretRef(input);
}

/** The reference as canonical text for an error's `ref` (never a value); the secret id when no style fits. */
export function refText(ref: SecretRef): string {
  const { manager, ...rest } = ref;
  if (manager !== undefined) {
    try {
      return formatSecretRef(ref, { style: 'activepieces' });
    } catch {}
  }
  try {
    return formatSecretRef(rest);
  } catch {
    return ref.secretId;
  }
}
