import { SecretFetchError } from '../../errors.js';
import type { SecretLocator } from '../../types.js';

/** The call an AWS error came from, for a message that says what to fix. */
export interface AwsErrorContext {
  action: 'GetSecretValue' | 'BatchGetSecretValue' | 'ListSecrets' | 'DescribeSecret';
  /** The secret id as the caller wrote it. */
  secretId?: string | undefined;
  versionStage?: string | undefined;
  versionId?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  requestTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** What error messages need to know about the provider's transport. */
export interface AwsCallSettings {
  endpoint: string | undefined;
  /** Undefined with an injected client, whose timeout is unknown. */
  requestTimeoutMs: number | undefined;
}

/** The error context of one call: which action, which secret and version (if any), where it was sent. */
export function callContext(
  action: AwsErrorContext['action'],
  locator: SecretLocator | undefined,
  region: string | undefined,
  settings: AwsCallSettings,
  signal: AbortSignal | undefined,
): AwsErrorContext {
  return {
    action,
    secretId: locator?.secretId,
    versionStage: locator?.versionStage,
    versionId: locator?.versionId,
    region,
    endpoint: settings.endpoint,
    requestTimeoutMs: settings.requestTimeoutMs,
    signal,
  };
}

/** How messages name what a call was about: `secret "db" (version stage "AWSPREVIOUS")`, or `secrets`. */
export function describeSubject(context: AwsErrorContext): string {
  if (context.secretId === undefined) return 'secrets';
  const version =
    context.versionId !== undefined
      ? ` (version id "${context.versionId}")`
      : context.versionStage !== undefined
        ? ` (version stage "${context.versionStage}")`
        : '';
  return `secret "${context.secretId}"${version}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** AWS's message on one line, cut at 200 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * The endpoint's scheme, host and port: a path can hold a proxy's token, and messages, identities and
 * `testConnection()` results end up in logs.
 */
export function originOf(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return new URL(endpoint).origin;
  } catch {
    // The endpoint is the user's setting: one that is not a URL is named, never quoted.
    return 'the configured endpoint';
  }
}

/** Where a call went, for messages: the endpoint's origin, else Secrets Manager in the region. */
export function targetOf(context: AwsErrorContext): string {
  return originOf(context.endpoint) ?? `Secrets Manager in ${context.region ?? "the client's region"}`;
}

/**
 * The error for an answer that does not have the shape Secrets Manager gives (a field of the wrong type, a
 * repeated page token): `provider_error`, not transient. `detail` names fields and types, never a value.
 */
export function malformedAnswer(context: AwsErrorContext, detail: string): SecretFetchError {
  return new SecretFetchError(
    'provider_error',
    `The answer of ${targetOf(context)} to ${context.action} for ${describeSubject(context)} is malformed: ${detail}; check that \`endpoint\` is a Secrets Manager endpoint`,
    { ...(context.secretId === undefined ? {} : { ref: context.secretId }), transient: false },
  );
}
