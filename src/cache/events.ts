import type { SecretRefError } from '../errors.js';
import type { SecretEvent } from '../events.js';

/** The `error` event of a failed fetch: its code and message (the library's messages name no value). */
export function errorEvent(
  secretId: string,
  error: SecretRefError,
  tier: SecretEvent['tier'],
  durationMs: number,
): SecretEvent {
  return { type: 'error', secretId, tier, durationMs, code: error.code, message: error.message };
}
