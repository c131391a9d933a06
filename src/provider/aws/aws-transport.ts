import type {
  BatchGetSecretValueCommandInput,
  BatchGetSecretValueCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  ListSecretsCommandInput,
  ListSecretsCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { throwIfAborted } from '../../abort.js';
import { SecretFetchError } from '../../errors.js';
import { regionOfSecretId } from './arn.js';
import type { ResolvedAwsConfig } from './config.js';

type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** Sends Secrets Manager commands through one client per region, loading the SDK at the first call. */
export interface AwsTransport {
  /** The region a secret id is fetched from: its ARN's region, else the configured one (`undefined` with `client`). */
  regionFor(secretId: string): string | undefined;
  getSecretValue(
    region: string | undefined,
    input: GetSecretValueCommandInput,
    signal?: AbortSignal,
  ): Promise<GetSecretValueCommandOutput>;
  batchGetSecretValue(
    region: string | undefined,
    input: BatchGetSecretValueCommandInput,
    signal?: AbortSignal,
  ): Promise<BatchGetSecretValueCommandOutput>;
  listSecrets(
    region: string | undefined,
    input: ListSecretsCommandInput,
    signal?: AbortSignal,
  ): Promise<ListSecretsCommandOutput>;
  /** The region calls go to by default; read from the injected client when there is one. */
  defaultRegion(): Promise<string | undefined>;
  /** Commands sent so far. */
  calls(): number;
}

/**
 * Builds the transport of a validated configuration. Credentials stay inside the SDK clients it creates;
 * nothing here keeps them on an enumerable property.
 * @example
 *   const transport = createAwsTransport(resolveAwsConfig({ region: 'us-east-1' }));
 */
export function createAwsTransport(config: ResolvedAwsConfig): AwsTransport {
  let sdkPromise: Promise<Sdk> | undefined;
  const clients = new Map<string, Promise<SecretsManagerClient>>();
  let sent = 0;

  const loadSdk = (): Promise<Sdk> => {
    sdkPromise ??= import('@aws-sdk/client-secrets-manager').catch((error: unknown) => {
      sdkPromise = undefined;
      throw new SecretFetchError(
        'provider_error',
        'The AWS SDK could not be loaded; install it with `npm install @aws-sdk/client-secrets-manager`',
        { cause: error, transient: false },
      );
    });
    return sdkPromise;
  };

  const clientFor = (region: string | undefined): Promise<SecretsManagerClient> => {
    if (config.client !== undefined) return Promise.resolve(config.client);
    const key = region ?? config.region ?? '';
    let client = clients.get(key);
    if (client === undefined) {
      client = loadSdk().then((sdk) => new sdk.SecretsManagerClient(clientConfig(config, key)));
      client.catch(() => clients.delete(key));
      clients.set(key, client);
    }
    return client;
  };

  const send = async <Output>(
    region: string | undefined,
    build: (sdk: Sdk) => object,
    signal: AbortSignal | undefined,
  ): Promise<Output> => {
    throwIfAborted(signal);
    const [sdk, client] = await Promise.all([loadSdk(), clientFor(region)]);
    throwIfAborted(signal);
    sent += 1;
    return (await client.send(
      build(sdk) as never,
      signal === undefined ? {} : { abortSignal: signal },
    )) as Output;
  };

  return {
    regionFor: (secretId) =>
      config.client === undefined ? (regionOfSecretId(secretId) ?? config.region) : undefined,
    getSecretValue: (region, input, signal) =>
      send<GetSecretValueCommandOutput>(region, (sdk) => new sdk.GetSecretValueCommand(input), signal),
    batchGetSecretValue: (region, input, signal) =>
      send<BatchGetSecretValueCommandOutput>(
        region,
        (sdk) => new sdk.BatchGetSecretValueCommand(input),
        signal,
      ),
    listSecrets: (region, input, signal) =>
      send<ListSecretsCommandOutput>(region, (sdk) => new sdk.ListSecretsCommand(input), signal),
    defaultRegion: async () => {
      if (config.client === undefined) return config.region;
      const region: unknown = config.client.config.region;
      if (typeof region === 'string') return region;
      if (typeof region === 'function') {
        try {
          const value: unknown = await region();
          return typeof value === 'string' ? value : undefined;
        } catch {
          return undefined;
        }
      }
      return undefined;
    },
    calls: () => sent,
  };
}

function clientConfig(config: ResolvedAwsConfig, region: string) {
  return {
    region,
    maxAttempts: config.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      socketTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  };
}
