import { SecretRefConfigError, type SecretRefErrorCode } from './errors.js';

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

/**
 * What happened, as told to a manager's `onEvent` handler: secret ids, tiers, timings and codes — never a value
 * and never a credential.
 * - `hit` / `miss`: a read found the secret in a tier (`memory`: this process; `shared`: the Redis tier) or not.
 * - `fetch`: the provider answered (`durationMs`, the `versionId` read).
 * - `stale`: an expired value was served because a refresh failed with a transient error (or is backing off).
 * - `refresh`: a background refresh ahead of expiry (`refreshAheadMs`) ended; `ok` says how.
 * - `changed`: a fetch found another version than the one cached (`previousVersionId` → `versionId`).
 * - `invalidated`: entries were dropped, by this manager (`source: 'local'`) or by another process (`'bus'`);
 *   no `secretId` means all of them.
 * - `error`: a fetch failed (`code`, `message` — the library's messages hold no value).
 * - `request`: a call to the backend ended, in success or failure (the AWS provider: one per SDK command, retries
 *   included); `request` says which call, where, and how it went, `durationMs` how long it took.
 * @example
 *   const onEvent = (event: SecretEvent) => {
 *     if (event.type === 'fetch') histogram.record(event.durationMs ?? 0, { tier: event.tier });
 *   };
 */
export interface SecretEvent {
  type: 'hit' | 'miss' | 'fetch' | 'stale' | 'refresh' | 'changed' | 'invalidated' | 'error' | 'request';
  /** The secret id as the reference wrote it. */
  secretId?: string;
  /** Where it happened. */
  tier?: 'memory' | 'shared' | 'provider';
  /** How long the fetch or refresh took. */
  durationMs?: number;
  /** The version read (`fetch`, `changed`). */
  versionId?: string;
  /** The version cached before (`changed`). */
  previousVersionId?: string;
  /** `refresh`: whether it succeeded. */
  ok?: boolean;
  /** `invalidated`: by this manager or by another process. */
  source?: 'local' | 'bus';
  /**
   * `error`: the error's code. `hit` with a code: a remembered `secret_not_found` / `access_denied` answer was
   * served (cache option `negativeTtlMs`).
   */
  code?: SecretRefErrorCode;
  /** `error`: the error's message (names references, never values). */
  message?: string;
  /** `request`: the call that ended. */
  request?: SecretRequest;
}

/**
 * One call to the backend, as a `request` event tells it: names, counts and the answer's metadata, never a value,
 * a secret id list or a credential.
 * @example
 *   const request: SecretRequest = { service: 'secretsmanager', action: 'BatchGetSecretValue', ids: 3,
 *     region: 'eu-west-1', host: 'secretsmanager.eu-west-1.amazonaws.com', status: 200, requestId: 'f3c…',
 *     attempts: 1 };
 */
export interface SecretRequest {
  /** The service called: `secretsmanager` or `ssm`. */
  service: string;
  /** The API action: `GetSecretValue`, `BatchGetSecretValue`, `ListSecrets`, `DescribeSecret`, `GetParameters`. */
  action: string;
  /** How many secret ids or parameter names the call asked for (absent for a listing). */
  ids?: number;
  /** The region the request was signed for. */
  region?: string;
  /** The host (and port, when not the default) the request went to. */
  host?: string;
  /** The HTTP status of the last attempt; absent when no answer came (network, timeout, no credentials). */
  status?: number;
  /** The request id the backend gave the last attempt. */
  requestId?: string;
  /** Attempts made, the first included (the SDK's retries). */
  attempts?: number;
  /** Time waited between attempts, in milliseconds. */
  retryDelayMs?: number;
  /** The error's name when the call failed (`ResourceNotFoundException`, `TimeoutError`, `CredentialsProviderError`). */
  error?: string;
}
