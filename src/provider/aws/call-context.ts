import { SecretFetchError } from '../../errors.js';
import type { ParameterService, SecretLocator } from '../../types.js';

/** The call an AWS error came from, for a message that says what to fix. */
export interface AwsErrorContext {
  action: 'GetSecretValue' | 'BatchGetSecretValue' | 'ListSecrets' | 'DescribeSecret' | 'GetParameters';
  /** The secret id as the caller wrote it. */
  secretId?: string | undefined;
  versionStage?: string | undefined;
  versionId?: string | undefined;
  /** Parameter Store (`ssm` without decryption, `ssm-secure` with); undefined: Secrets Manager. */
  service?: ParameterService | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  requestTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** How messages name a service and what it holds: every message takes these words from here, never rewrites one. */
interface ServiceTerms {
  /** The service, in a sentence. */
  name: string;
  /** The prefix of its IAM actions. */
  iam: string;
  /** One thing it holds. */
  item: string;
  /** What a version id and a staging label are called. */
  versionId: string;
  versionStage: string;
  /** The option that sets its endpoint. */
  endpointOption: string;
  /** What an access-denied message adds about KMS for a read. */
  kmsAdvice: string;
}

const PARAMETER_STORE: ServiceTerms = {
  name: 'Parameter Store',
  iam: 'ssm',
  item: 'parameter',
  versionId: 'version',
  versionStage: 'label',
  endpointOption: 'ssmEndpoint',
  // Without decryption KMS is not asked.
  kmsAdvice: '',
};

const TERMS: Readonly<Record<ParameterService | 'secretsmanager', ServiceTerms>> = {
  secretsmanager: {
    name: 'Secrets Manager',
    iam: 'secretsmanager',
    item: 'secret',
    versionId: 'version id',
    versionStage: 'version stage',
    endpointOption: 'endpoint',
    kmsAdvice: ' (and kms:Decrypt on its KMS key if it uses a customer managed key)',
  },
  ssm: PARAMETER_STORE,
  'ssm-secure': { ...PARAMETER_STORE, kmsAdvice: ' (and kms:Decrypt on the key of a SecureString)' },
};

/** The words of the service a call went to. */
export function termsOf(context: Pick<AwsErrorContext, 'service'>): ServiceTerms {
  return TERMS[context.service ?? 'secretsmanager'];
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
    service: locator?.service,
    region,
    endpoint: settings.endpoint,
    requestTimeoutMs: settings.requestTimeoutMs,
    signal,
  };
}

/**
 * How messages name what a call was about: `secret "db" (version stage "AWSPREVIOUS")`, `parameter "/app/url"
 * (label "prod")`, or `secrets`.
 */
export function describeSubject(
  subject: Pick<AwsErrorContext, 'secretId' | 'versionStage' | 'versionId' | 'service'>,
): string {
  const terms = termsOf(subject);
  if (subject.secretId === undefined) return `${terms.item}s`;
  const version =
    subject.versionId !== undefined
      ? ` (${terms.versionId} "${subject.versionId}")`
      : subject.versionStage !== undefined
        ? ` (${terms.versionStage} "${subject.versionStage}")`
        : '';
  return `${terms.item} "${subject.secretId}"${version}`;
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

/** Where a call went, for messages: the endpoint's origin, else the service in the region. */
export function targetOf(context: AwsErrorContext): string {
  return (
    originOf(context.endpoint) ?? `${termsOf(context).name} in ${context.region ?? "the client's region"}`
  );
}

/**
 * The error for an answer that does not have the shape the service gives (a field of the wrong type, a
 * repeated page token): `provider_error`, not transient. `detail` names fields and types, never a value.
 */
export function malformedAnswer(context: AwsErrorContext, detail: string): SecretFetchError {
  return new SecretFetchError(
    'provider_error',
    `The answer of ${targetOf(context)} to ${context.action} for ${describeSubject(context)} is malformed: ${detail}; check that \`${termsOf(context).endpointOption}\` is a ${termsOf(context).name} endpoint`,
    { ...(context.secretId === undefined ? {} : { ref: context.secretId }), transient: false },
  );
}
