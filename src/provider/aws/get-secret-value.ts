import type { SecretLocator, SecretPayload } from '../../types.js';
import type { AwsTransport } from './aws-transport.js';
import { type AwsErrorContext, mapAwsError } from './map-error.js';
import { toPayload } from './payload.js';

/** What error messages need to know about the provider's transport. */
export interface AwsCallSettings {
  endpoint: string | undefined;
  /** Undefined with an injected client, whose timeout is unknown. */
  requestTimeoutMs: number | undefined;
}

/**
 * The error context of one locator: which call, which secret and version, where it was sent.
 * @example
 *   mapAwsError(error, locatorContext('GetSecretValue', locator, 'us-east-1', settings, signal))
 */
export function locatorContext(
  action: AwsErrorContext['action'],
  locator: SecretLocator,
  region: string | undefined,
  settings: AwsCallSettings,
  signal: AbortSignal | undefined,
): AwsErrorContext {
  return {
    action,
    secretId: locator.secretId,
    versionStage: locator.versionStage,
    versionId: locator.versionId,
    region,
    endpoint: settings.endpoint,
    requestTimeoutMs: settings.requestTimeoutMs,
    signal,
  };
}

/**
 * Fetches one secret version with `GetSecretValue` from the region its id names; failures become
 * `SecretFetchError`s (or `SecretRefAbortError`).
 * @example
 *   const payload = await getSecretValue(transport, settings, { secretId: 'db', versionStage: 'AWSPREVIOUS' });
 */
export async function getSecretValue(
  transport: AwsTransport,
  settings: AwsCallSettings,
  locator: SecretLocator,
  signal?: AbortSignal,
): Promise<SecretPayload> {
  const region = transport.regionFor(locator.secretId);
  try {
    const output = await transport.getSecretValue(
      region,
      {
        SecretId: locator.secretId,
        ...(locator.versionStage === undefined ? {} : { VersionStage: locator.versionStage }),
        ...(locator.versionId === undefined ? {} : { VersionId: locator.versionId }),
      },
      signal,
    );
    return toPayload(output);
  } catch (error) {
    throw mapAwsError(error, locatorContext('GetSecretValue', locator, region, settings, signal));
  }
}
