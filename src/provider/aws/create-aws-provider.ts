import type {
  CallOptions,
  FetchResult,
  ListSecretsOptions,
  SecretLocator,
  SecretPayload,
  SecretProvider,
  SecretSummary,
  TestConnectionResult,
} from '../../types.js';
import { createAwsTransport } from './aws-transport.js';
import { type AwsSecretsManagerConfig, resolveAwsConfig } from './config.js';
import { type BatchState, fetchManyFromAws } from './fetch-many.js';
import { type AwsCallSettings, getSecretValue } from './get-secret-value.js';
import { awsIdentity } from './identity.js';
import { listAwsSecrets } from './list-secrets.js';
import { awsSharedIdentity } from './shared-identity.js';
import { type AwsTestConnectionOptions, testAwsConnection } from './test-connection.js';

/**
 * The AWS Secrets Manager provider: every optional method of `SecretProvider` is there.
 * @example
 *   const provider: AwsProvider = createAwsProvider({ region: 'eu-west-1' });
 *   for await (const secret of provider.listSecrets({ prefix: 'prod/' })) names.push(secret.name);
 */
export interface AwsProvider extends SecretProvider {
  readonly kind: 'aws';
  fetchMany(locators: readonly SecretLocator[], options?: CallOptions): Promise<FetchResult[]>;
  listSecrets(options?: ListSecretsOptions): AsyncIterable<SecretSummary>;
  testConnection(options?: AwsTestConnectionOptions): Promise<TestConnectionResult>;
  apiCalls(): number;
}

/**
 * A `SecretProvider` over AWS Secrets Manager, without a cache (wrap it with `createSecretManager`, or use
 * `createAwsSecretsManager`). The configuration is checked at once; the SDK is loaded at the first call.
 * Credentials stay inside the SDK clients; the returned object shows only `kind` and `identity`.
 * @example
 *   const provider = createAwsProvider({ region: 'eu-west-1' });
 *   const payload = await provider.fetch({ secretId: 'prod/db' });
 */
export function createAwsProvider(config: AwsSecretsManagerConfig): AwsProvider {
  const resolved = resolveAwsConfig(config);
  const transport = createAwsTransport(resolved);
  // The SDK's import and the client's construction take a round trip's worth of time; start them now, so that a
  // process which creates its manager at start-up and reads a little later does not pay for them then.
  transport.warmUp();
  const settings: AwsCallSettings = {
    endpoint: resolved.endpoint,
    requestTimeoutMs: resolved.client === undefined ? resolved.requestTimeoutMs : undefined,
  };
  const state: BatchState = { batchDenied: false };

  return Object.freeze({
    kind: 'aws' as const,
    identity: awsIdentity(resolved),
    sharedIdentity: (digest: (text: string) => string, scope: string | undefined) =>
      awsSharedIdentity(resolved, digest, scope),
    fetch(locator: SecretLocator, options: CallOptions = {}): Promise<SecretPayload> {
      return getSecretValue(transport, settings, locator, options.signal);
    },
    fetchMany(locators: readonly SecretLocator[], options: CallOptions = {}): Promise<FetchResult[]> {
      return fetchManyFromAws(transport, settings, state, locators, options.signal);
    },
    listSecrets(options: ListSecretsOptions = {}): AsyncIterable<SecretSummary> {
      return listAwsSecrets(transport, settings, options);
    },
    testConnection(options: AwsTestConnectionOptions = {}): Promise<TestConnectionResult> {
      return testAwsConnection(transport, settings, options);
    },
    apiCalls: (): number => transport.calls(),
  });
}
