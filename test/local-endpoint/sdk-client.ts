import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { LocalSecretsManager } from '../../src/testing/index.js';

/**
 * A real SDK client aimed at a local endpoint with its credentials; one attempt unless `maxAttempts` says more.
 * `requestTimeoutMs` sets `requestTimeout` with `throwOnRequestTimeout: true`: without it, @smithy/node-http-handler
 * 4.x only logs a warning when the timeout passes and the call still succeeds late.
 */
export function clientFor(
  sm: LocalSecretsManager,
  overrides: Partial<SecretsManagerClientConfig> & { requestTimeoutMs?: number } = {},
): SecretsManagerClient {
  const { requestTimeoutMs, ...config } = overrides;
  return new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: sm.region,
    credentials: sm.credentials,
    maxAttempts: 1,
    ...(requestTimeoutMs === undefined
      ? {}
      : { requestHandler: { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true } }),
    ...config,
  });
}

/** The rejection of `promise`, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
