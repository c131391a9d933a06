/**
 * The push path for rotations: an EventBridge event from Secrets Manager names the secret that changed, and the
 * managers drop it from their caches at once instead of waiting for the TTL.
 *
 * Event shapes, from the AWS documentation:
 * - CloudTrail API calls (`detail-type` "AWS API Call via CloudTrail", `source` `aws.secretsmanager`,
 *   `detail.eventSource` `secretsmanager.amazonaws.com`): the secret in `detail.requestParameters.secretId` (name or
 *   ARN, as the caller wrote it) and `detail.responseElements.arn` (before February 2024 some operations wrote
 *   `aRN`); a failed call carries `detail.errorCode`. Secrets Manager User Guide, "AWS CloudTrail entries for
 *   Secrets Manager" (cloudtrail_log_entries) and "Match AWS Secrets Manager events with Amazon EventBridge"
 *   (monitoring-eventbridge).
 * - Rotation, written by the service itself (`detail-type` "AWS Service Event via CloudTrail", `detail.eventName`
 *   `RotationSucceeded`): the secret's ARN in `detail.additionalEventData.SecretId` (same pages, "Log entries for
 *   rotation").
 * - The native `Secret Label Updated` event (sent when a label other than AWSPENDING and AWSPREVIOUS moves): the
 *   secret's ARN in `resources[0]`, its name in `detail.name` ("Secret Label Updated event",
 *   event-detail-secret-label-updated-secretsmanager).
 * - Parameter Store's `Parameter Store Change` (`source` `aws.ssm`): the parameter's name in `detail.name`, its ARN
 *   in `resources[0]`; every operation (Create, Update, Delete, LabelParameterVersion, …) may change what a
 *   reference reads, so each one invalidates.
 * The China partition's pages spell the detail types with "Amazon" instead of "AWS"; both are read.
 */
import { SecretRefConfigError } from '../errors.js';
import type { SecretRef } from '../types.js';
import { readField as field } from './auth-error.js';

/**
 * Anything with the `invalidate` of a manager: a `SecretManager`, or your own wrapper.
 * @example
 *   const target: InvalidationTarget = manager;
 *   target.invalidate({ secretId: 'prod/db' });
 */
export interface InvalidationTarget {
  invalidate(ref?: SecretRef | string): void;
}

/**
 * Why an event was left alone: not from Secrets Manager, not a change of a secret's value or labels, a call that
 * failed (nothing changed), or no secret named in it.
 * @example
 *   const reason: IgnoredEventReason = 'not_secrets_manager';
 */
export type IgnoredEventReason = 'not_secrets_manager' | 'not_a_change' | 'failed_call' | 'no_secret_id';

/**
 * What {@link invalidateFromEventBridge} did with an event.
 * @example
 *   const outcome: SecretEventOutcome = invalidateFromEventBridge(event, manager);
 *   if (outcome.handled) log.info(`dropped ${outcome.secretIds.join(', ')} after ${outcome.eventName}`);
 */
export type SecretEventOutcome =
  | {
      handled: true;
      /** `PutSecretValue`, `RotationSucceeded`, `Secret Label Updated`, … */
      eventName: string;
      /** The ids the event names (ARN first), each invalidated on every target. */
      secretIds: string[];
      /** Successful `invalidate` calls (ids × targets, less any that threw). */
      invalidated: number;
      /** Invalidations that threw, by id and error code (the event's data is not trusted to be well formed). */
      failures: { secretId: string; code: string }[];
    }
  | { handled: false; reason: IgnoredEventReason; eventName?: string };

/** CloudTrail operations after which a cached value may be wrong. */
const CHANGING_CALLS: ReadonlySet<string> = new Set([
  'PutSecretValue',
  'UpdateSecretVersionStage',
  'RotateSecret',
  'UpdateSecret',
  'DeleteSecret',
  'RestoreSecret',
]);
/** Events the service writes itself after which a cached value may be wrong. */
const CHANGING_SERVICE_EVENTS: ReadonlySet<string> = new Set(['RotationSucceeded']);

const API_CALL = /^(AWS|Amazon) API Call via CloudTrail$/;
const SERVICE_EVENT = /^(AWS|Amazon) Service Event via CloudTrail$/;
const LABEL_UPDATED = 'Secret Label Updated';
const PARAMETER_CHANGE = 'Parameter Store Change';

/**
 * Entries of `resources` looked at for the ARN: EventBridge puts it first; a list the event claims is longer (a
 * Proxy can claim any length) is not walked to its end.
 */
const MAX_RESOURCES = 16;

// The event is not trusted: it is parsed JSON in a Lambda, but any object in a queue consumer or a test, and any
// property may be a throwing getter or a Proxy trap. Every read of it goes through `field` or `firstText`, which
// read a value as missing rather than throw.

/** The first non-empty string among the first entries of what should be a list, if it is one. */
function firstText(list: unknown): string | undefined {
  try {
    if (!Array.isArray(list)) return undefined;
    const length = Math.min(Number(list.length) || 0, MAX_RESOURCES);
    for (let index = 0; index < length; index++) {
      const found = text(field(list, String(index)));
      if (found !== undefined) return found;
    }
  } catch {
    // A revoked Proxy throws from `Array.isArray`, a hostile `length` from `Number`: no list to read.
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readTargets(targets: unknown): InvalidationTarget[] {
  // The caller's value: a Proxy or a throwing getter among the managers is bad `managers`, not a crash.
  try {
    const all = Array.isArray(targets)
      ? [...targets]
      : typeof targets === 'object' && targets !== null && typeof field(targets, 'invalidate') !== 'function'
        ? Object.values(targets)
        : [targets];
    if (all.length > 0 && all.every((t) => typeof field(t, 'invalidate') === 'function')) return all;
  } catch {}
  throw new SecretRefConfigError(
    'managers',
    '`managers` must be a secret manager, an array of them, or a record of them by id',
  );
}

/** The event's name and the ids it names, or why it is ignored. */
function readEvent(
  event: unknown,
): { eventName: string; ids: (string | undefined)[] } | { reason: IgnoredEventReason; eventName?: string } {
  const source = field(event, 'source');
  if (source === 'aws.ssm') {
    if (field(event, 'detail-type') !== PARAMETER_CHANGE) return { reason: 'not_a_change' };
    const ids = [firstText(field(event, 'resources')), text(field(field(event, 'detail'), 'name'))];
    return { eventName: PARAMETER_CHANGE, ids: ids.filter((id) => id === undefined || id.length <= 2048) };
  }
  if (source !== 'aws.secretsmanager') return { reason: 'not_secrets_manager' };
  const type = field(event, 'detail-type');
  const detail = field(event, 'detail');
  if (type === LABEL_UPDATED) {
    return {
      eventName: LABEL_UPDATED,
      ids: [firstText(field(event, 'resources')), text(field(detail, 'name'))],
    };
  }
  const isCall = typeof type === 'string' && API_CALL.test(type);
  if (!isCall && !(typeof type === 'string' && SERVICE_EVENT.test(type))) return { reason: 'not_a_change' };
  const eventSource = field(detail, 'eventSource');
  if (eventSource !== undefined && eventSource !== 'secretsmanager.amazonaws.com')
    return { reason: 'not_secrets_manager' };
  const eventName = text(field(detail, 'eventName'));
  if (eventName === undefined) return { reason: 'not_a_change' };
  if (!(isCall ? CHANGING_CALLS : CHANGING_SERVICE_EVENTS).has(eventName))
    return { reason: 'not_a_change', eventName };
  if (field(detail, 'errorCode') !== undefined) return { reason: 'failed_call', eventName };
  if (!isCall) return { eventName, ids: [text(field(field(detail, 'additionalEventData'), 'SecretId'))] };
  const response = field(detail, 'responseElements');
  return {
    eventName,
    ids: [
      text(field(response, 'arn')),
      text(field(response, 'aRN')),
      text(field(field(detail, 'requestParameters'), 'secretId')),
    ],
  };
}

/**
 * Invalidates, on every given manager, the secret that an EventBridge event from Secrets Manager says changed:
 * `PutSecretValue`, `UpdateSecretVersionStage`, `RotateSecret`, `UpdateSecret`, `DeleteSecret`, `RestoreSecret`
 * (CloudTrail API calls that succeeded), `RotationSucceeded` (service event) and `Secret Label Updated`; and the
 * parameter that a Parameter Store event (`source` `aws.ssm`, "Parameter Store Change") names. The secret
 * is invalidated by every id the event gives (full ARN and name), so a value cached under either is dropped;
 * with the shared Redis tier, `invalidate` reaches every process. Any other event — another service, another
 * Secrets Manager call, a failed call, no object at all — is returned as ignored, never thrown; a property that
 * throws when read, or a Proxy, reads as missing (what the rest of the event names is still handled). Only bad
 * `managers` throw (`SecretRefConfigError`), including managers that throw when read.
 * @example
 *   // The Lambda (or SQS consumer) behind an EventBridge rule on source aws.secretsmanager:
 *   export const handler = async (event: unknown) => {
 *     const outcome = invalidateFromEventBridge(event, manager);
 *     return outcome.handled ? outcome.secretIds : outcome.reason;
 *   };
 */
export function invalidateFromEventBridge(
  event: unknown,
  managers: InvalidationTarget | readonly InvalidationTarget[] | Readonly<Record<string, InvalidationTarget>>,
): SecretEventOutcome {
  const targets = readTargets(managers);
  const read = readEvent(event);
  if ('reason' in read) return { handled: false, ...read };
  // A parameter is invalidated as a Parameter Store reference: both `ssm` and `ssm-secure` reads of it drop.
  const service = read.eventName === PARAMETER_CHANGE ? { service: 'ssm' as const } : {};
  const secretIds = [...new Set(read.ids.filter((id): id is string => id !== undefined))];
  if (secretIds.length === 0) return { handled: false, reason: 'no_secret_id', eventName: read.eventName };
  let invalidated = 0;
  const failures: { secretId: string; code: string }[] = [];
  for (const secretId of secretIds) {
    for (const target of targets) {
      try {
        target.invalidate({ secretId, ...service });
        invalidated++;
      } catch (error) {
        // A target is the caller's manager (maybe its own implementation): one that throws is counted, not fatal.
        const code = field(error, 'code');
        failures.push({ secretId, code: typeof code === 'string' ? code : 'invalidate_failed' });
      }
    }
  }
  return { handled: true, eventName: read.eventName, secretIds, invalidated, failures };
}
