import { SecretRefError } from '../../errors.js';
import type {
  CallOptions,
  FetchResult,
  ListSecretsOptions,
  ReferenceService,
  SecretLocator,
  SecretPayload,
  SecretProvider,
  SecretSummary,
  TestConnectionResult,
} from '../../types.js';
import { createAwsTransport } from './aws-transport.js';
import type { AwsCallSettings } from './call-context.js';
import { type AwsProviderConfig, resolveAwsConfig } from './config.js';
import { type BatchState, fetchManyFromAws } from './fetch-many.js';
import { getSecretValue } from './get-secret-value.js';
import { awsIdentity, awsSharedIdentity } from './identity.js';
import { listAwsSecrets } from './list-secrets.js';
import { fetchParameters } from './ssm/fetch-parameters.js';
import { createSsmTransport } from './ssm/ssm-transport.js';
import { type AwsTestConnectionOptions, testAwsConnection } from './test-connection.js';

/** The reference services the AWS provider serves. */
const AWS_SERVICES: readonly ReferenceService[] = Object.freeze(['secretsmanager', 'ssm', 'ssm-secure']);

/**
 * Parameter Store's name for a Secrets Manager secret. It is read straight from Secrets Manager (the same answer,
 * one call, no Parameter Store quota), and kept as the reference's one cache entry; as with AWS, only with
 * decryption (`ssm-secure`), and a label after the name is the secret's staging label.
 */
const SECRETS_MANAGER_BRIDGE = '/aws/reference/secretsmanager/';

/** The Secrets Manager locator a bridge reference reads, or an issue; undefined for any other locator. */
function bridged(locator: SecretLocator): SecretLocator | SecretRefError | undefined {
  if (locator.service === undefined || !locator.secretId.startsWith(SECRETS_MANAGER_BRIDGE)) return undefined;
  const secretId = locator.secretId.slice(SECRETS_MANAGER_BRIDGE.length);
  if (locator.service !== 'ssm-secure' || secretId === '' || locator.versionId !== undefined) {
    return new SecretRefError(
      'invalid_reference',
      `${JSON.stringify(locator.secretId)} reads a Secrets Manager secret through Parameter Store: write it {{resolve:ssm-secure:${SECRETS_MANAGER_BRIDGE}<secret-id>[:<staging label>]}}, or use {{resolve:secretsmanager:<secret-id>}}`,
      { ref: locator.secretId },
    );
  }
  return locator.versionStage === undefined ? { secretId } : { secretId, versionStage: locator.versionStage };
}

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
export function createAwsProvider(config: AwsProviderConfig): AwsProvider {
  const resolved = resolveAwsConfig(config);
  const transport = createAwsTransport(resolved);
  // The SDK's import and the client's construction take a round trip's worth of time; start them now, so that a
  // process which creates its manager at start-up and reads a little later does not pay for them then.
  transport.warmUp();
  const settings: AwsCallSettings = {
    endpoint: resolved.endpoint,
    requestTimeoutMs: resolved.client === undefined ? resolved.requestTimeoutMs : undefined,
  };
  // Parameter Store's clients are the library's own, with its attempt deadline, an injected client or not.
  const ssmSettings: AwsCallSettings = {
    endpoint: resolved.ssmEndpoint,
    requestTimeoutMs: resolved.requestTimeoutMs,
  };
  const state: BatchState = { batchDenied: false };
  const identity = awsIdentity(resolved);
  const ssm = createSsmTransport(resolved, identity);

  /** One result per locator, in order: Secrets Manager secrets batched, parameters through GetParameters. */
  const fetchAll = async (
    locators: readonly SecretLocator[],
    signal?: AbortSignal,
  ): Promise<FetchResult[]> => {
    const results: (FetchResult | undefined)[] = locators.map(() => undefined);
    type Part = { index: number; locator: SecretLocator }[];
    const secrets: Part = [];
    const parameters: Part = [];
    locators.forEach((locator, index) => {
      const bridge = bridged(locator);
      if (bridge instanceof SecretRefError) results[index] = { ok: false, error: bridge };
      else if (bridge !== undefined) secrets.push({ index, locator: bridge });
      else (locator.service === undefined ? secrets : parameters).push({ index, locator });
    });
    /** Fetches one part (when it holds any locator) and puts its results in their places. */
    const fetchPart = async (part: Part, fetch: (list: SecretLocator[]) => Promise<FetchResult[]>) => {
      if (part.length === 0) return;
      const found = await fetch(part.map((p) => p.locator));
      part.forEach(({ index }, at) => {
        results[index] = found[at];
      });
    };
    await Promise.all([
      fetchPart(secrets, (list) => fetchManyFromAws(transport, settings, state, list, signal)),
      fetchPart(parameters, (list) => fetchParameters(ssm, ssmSettings, list, signal)),
    ]);
    return results as FetchResult[];
  };

  return Object.freeze({
    kind: 'aws' as const,
    services: AWS_SERVICES,
    identity,
    sharedIdentity: (digest: (text: string) => string, scope: string | undefined) =>
      awsSharedIdentity(resolved, digest, scope),
    async fetch(locator: SecretLocator, options: CallOptions = {}): Promise<SecretPayload> {
      if (locator.service === undefined) return getSecretValue(transport, settings, locator, options.signal);
      const [result] = await fetchAll([locator], options.signal);
      if (result?.ok) return result.payload;
      throw result?.error;
    },
    fetchMany(locators: readonly SecretLocator[], options: CallOptions = {}): Promise<FetchResult[]> {
      return fetchAll(locators, options.signal);
    },
    listSecrets(options: ListSecretsOptions = {}): AsyncIterable<SecretSummary> {
      return listAwsSecrets(transport, settings, options);
    },
    testConnection(options: AwsTestConnectionOptions = {}): Promise<TestConnectionResult> {
      return testAwsConnection(transport, settings, options);
    },
    apiCalls: (): number => transport.calls() + ssm.calls(),
  });
}
