import type {
  BatchGetSecretValueCommandInput,
  BatchGetSecretValueCommandOutput,
  DescribeSecretCommandInput,
  DescribeSecretCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  ListSecretsCommandInput,
  ListSecretsCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { throwIfAborted } from '../../abort.js';
import { parseSecretArn } from '../../ref/secret-names.js';
import type { ResolvedAwsConfig } from './config.js';
import { buildRegionClient, checkedArnRegion, createRegionClients, lazySdk } from './region-clients.js';
import { observeRequest } from './request-events.js';
import { warmUpClient } from './warm-up.js';

type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** Sends Secrets Manager commands through one client per region, loading the SDK at the first call. */
export type AwsTransport = ReturnType<typeof createAwsTransport>;

export { MAX_REGION_CLIENTS } from './region-clients.js';

/**
 * Builds the transport of a validated configuration. Credentials stay inside the SDK clients it creates;
 * nothing here keeps them on an enumerable property. Region ids come from references, that is from connection data,
 * so the region of an ARN is checked against its partition, and the clients of ARN regions live in the bounded
 * per-region cache that Parameter Store's clients use too (`createRegionClients`).
 */
export function createAwsTransport(config: ResolvedAwsConfig) {
  let sent = 0;
  const loadSdk = lazySdk<Sdk>(
    () => import('@aws-sdk/client-secrets-manager'),
    'The AWS SDK could not be loaded; install it with `npm install @aws-sdk/client-secrets-manager`',
  );

  const clients = createRegionClients((region) =>
    loadSdk().then((sdk) =>
      buildRegionClient((options) => new sdk.SecretsManagerClient(options), config, region, config.endpoint),
    ),
  );
  const keyOf = (region: string | undefined): string => region ?? config.region ?? '';

  const send = async <Output>(
    region: string | undefined,
    build: (sdk: Sdk) => object,
    signal: AbortSignal | undefined,
  ): Promise<Output> => {
    throwIfAborted(signal);
    const call = async (client: SecretsManagerClient): Promise<Output> => {
      const sdk = await loadSdk();
      throwIfAborted(signal);
      sent += 1;
      const command = build(sdk);
      observeRequest(command, config.emit, 'secretsmanager', region ?? config.region);
      return (await client.send(
        command as never,
        signal === undefined ? {} : { abortSignal: signal },
      )) as Output;
    };
    // With an injected client, `region` is always undefined (`regionFor`), as is `config.region`.
    return config.client !== undefined ? call(config.client) : clients.use(keyOf(region), call);
  };

  return {
    /**
     * Starts loading the SDK and building the default region's client in the background, so that the first call
     * does not wait for them (a failure shows at that call, as it would have); then warms that client with a dry run
     * through its middleware that sends nothing (`warmUpClient`). An injected client is only waited for, never run.
     */
    warmUp: (): void => {
      if (config.client !== undefined) {
        loadSdk().catch(() => undefined);
        return;
      }
      // A dry run through the middleware, never `send`: a mocked client (aws-sdk-client-mock) would count that as
      // a call in the user's tests. Only for the client built here; an injected client's middleware is its owner's.
      const entry = clients.get(keyOf(undefined));
      Promise.all([loadSdk(), entry.client]).then(
        ([sdk, client]) => warmUpClient(sdk, client, () => !entry.used && !entry.evicted),
        () => undefined,
      );
    },
    /**
     * The region a secret id is fetched from: its ARN's region, else the configured one (`undefined` with `client`).
     * Throws an `invalid_reference` `SecretFetchError` for an ARN whose region is not one of its partition.
     */
    regionFor: (secretId: string): string | undefined => {
      if (config.client !== undefined) return undefined;
      const arn = parseSecretArn(secretId);
      return arn === undefined
        ? config.region
        : checkedArnRegion('Secret', secretId, arn.partition, arn.region);
    },
    getSecretValue: (region: string | undefined, input: GetSecretValueCommandInput, signal?: AbortSignal) =>
      send<GetSecretValueCommandOutput>(region, (sdk) => new sdk.GetSecretValueCommand(input), signal),
    batchGetSecretValue: (
      region: string | undefined,
      input: BatchGetSecretValueCommandInput,
      signal?: AbortSignal,
    ) =>
      send<BatchGetSecretValueCommandOutput>(
        region,
        (sdk) => new sdk.BatchGetSecretValueCommand(input),
        signal,
      ),
    /** Lists in the default region. */
    listSecrets: (input: ListSecretsCommandInput, signal?: AbortSignal) =>
      send<ListSecretsCommandOutput>(undefined, (sdk) => new sdk.ListSecretsCommand(input), signal),
    describeSecret: (region: string | undefined, input: DescribeSecretCommandInput, signal?: AbortSignal) =>
      send<DescribeSecretCommandOutput>(region, (sdk) => new sdk.DescribeSecretCommand(input), signal),
    /** The region calls go to by default; read from the injected client when there is one. */
    defaultRegion: async (): Promise<string | undefined> => {
      if (config.client === undefined) return config.region;
      const region: unknown = config.client.config.region;
      try {
        // The injected client's setting, as the SDK holds it: a string or an async function.
        const value: unknown = typeof region === 'function' ? await region() : region;
        return typeof value === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    },
    /** Commands sent so far. */
    calls: () => sent,
    /** SDK clients held for regions now (0 with an injected client). */
    clientCount: () => clients.size(),
  };
}
