import type { GetParametersCommandInput, GetParametersCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { throwIfAborted } from '../../../abort.js';
import type { ResolvedAwsConfig } from '../config.js';
import { buildRegionClient, checkedArnRegion, createRegionClients, lazySdk } from '../region-clients.js';
import { observeRequest } from '../request-events.js';
import { pacerFor } from './pacer.js';

type SsmSdk = typeof import('@aws-sdk/client-ssm');

const PARAMETER_ARN = /^arn:([a-z][a-z0-9-]*):ssm:([a-z0-9-]+):\d{12}:parameter\//;

/** Sends Parameter Store calls, one client per region, paced per account and region. */
export type SsmTransport = ReturnType<typeof createSsmTransport>;

/**
 * The Parameter Store side of the AWS provider: the same credentials, region, retries and timeouts as its Secrets
 * Manager clients, `ssmEndpoint` (or the SDK's `AWS_ENDPOINT_URL_SSM`) for the endpoint. With an injected
 * `SecretsManagerClient`, the Parameter Store client takes that client's region and credentials, and the default
 * `maxAttempts` and `requestTimeoutMs`.
 */
export function createSsmTransport(config: ResolvedAwsConfig, identity: string) {
  let sent = 0;
  // An optional peer dependency, loaded at the first Parameter Store reference.
  const loadSdk = lazySdk<SsmSdk>(
    () => import('@aws-sdk/client-ssm'),
    'Parameter Store references need the package @aws-sdk/client-ssm; install it with `npm install @aws-sdk/client-ssm`',
  );

  // Keyed as Secrets Manager's clients are; `''` (an injected client, no region) builds with that client's region.
  const clients = createRegionClients((key) =>
    loadSdk().then((sdk) => createSsmClient(sdk, config, key === '' ? undefined : key)),
  );

  return {
    /** The region a parameter is read from: its ARN's region, else the configured one. */
    regionFor(name: string): string | undefined {
      const arn = PARAMETER_ARN.exec(name);
      return arn === null ? config.region : checkedArnRegion('Parameter', name, arn[1]!, arn[2]!);
    },
    async getParameters(
      region: string | undefined,
      input: GetParametersCommandInput,
      signal?: AbortSignal,
    ): Promise<GetParametersCommandOutput> {
      throwIfAborted(signal);
      const key = region ?? config.region ?? '';
      return clients.use(key, async (client) => {
        const sdk = await loadSdk();
        await pacerFor(`${identity}|${key}`).take(signal);
        throwIfAborted(signal);
        sent += 1;
        const command = new sdk.GetParametersCommand(input);
        observeRequest(command, config.emit, 'ssm', region ?? config.region);
        return client.send(command, signal === undefined ? {} : { abortSignal: signal });
      });
    },
    calls: () => sent,
  };
}

function createSsmClient(sdk: SsmSdk, config: ResolvedAwsConfig, region: string | undefined): SSMClient {
  if (config.client !== undefined) {
    // The client is the library's, not the user's: it gets the default attempts and attempt deadline (the SDK's
    // own defaults set no timeout, so an endpoint that never answers would hold the read for ever).
    const { region: clientRegion, credentials } = config.client.config;
    return buildRegionClient(
      (options) => new sdk.SSMClient({ ...options, region: region ?? clientRegion, credentials }),
      config,
      undefined,
      config.ssmEndpoint,
    );
  }
  return buildRegionClient(
    (options) => new sdk.SSMClient(options),
    config,
    region ?? config.region,
    config.ssmEndpoint,
  );
}
