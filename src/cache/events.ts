import { SecretRefConfigError, type SecretRefError } from '../errors.js';
import type { SecretEvent } from '../types.js';

/** Tells the manager's `onEvent` handler; `undefined` when there is none, so `emit?.({…})` costs nothing then. */
export type Emit = ((event: SecretEvent) => void) | undefined;

/**
 * The one function events go through: a handler that throws never breaks a read, and each event is frozen so a
 * handler cannot change what the next one sees. Without a handler, `undefined`.
 */
export function createEmitter(handler: unknown): Emit {
  if (handler === undefined) return undefined;
  if (typeof handler !== 'function') {
    throw new SecretRefConfigError('onEvent', '`onEvent` must be a function that takes an event');
  }
  return (event) => {
    try {
      (handler as (event: SecretEvent) => void)(Object.freeze(event));
    } catch {}
  };
}

/** The `error` event of a failed fetch: its code and message (the library's messages name no value). */
export function errorEvent(
  secretId: string,
  error: SecretRefError,
  tier: SecretEvent['tier'],
  durationMs: number,
): SecretEvent {
  return { type: 'error', secretId, tier, durationMs, code: error.code, message: error.message };
}
