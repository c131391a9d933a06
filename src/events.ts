import { SecretRefConfigError } from './errors.js';
import type { SecretEvent } from './types.js';

/** Tells the manager's `onEvent` handler; `undefined` when there is none, so `emit?.({…})` costs nothing then. */
export type Emit = ((event: SecretEvent) => void) | undefined;

/**
 * The one function events go through, for the manager and the provider alike: a handler that throws never breaks a
 * read, and each event is frozen so a handler cannot change what the next one sees. Without a handler, `undefined`.
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
