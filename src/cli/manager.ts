import type { SecretManager } from '../types.js';
import { type CliManagerOptions, CliUsageError } from './io.js';

type AwsCredentialIdentityProvider = ReturnType<typeof import('@aws-sdk/credential-providers').fromIni>;

/**
 * The CLI's default manager factory: the AWS provider, with the region, endpoint and credentials taken from the
 * global options first and then from `env` (`AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
 * `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, `AWS_PROFILE`).
 * Anything not found there is left to the SDK's default credential chain.
 * @example
 *   const manager = await createCliManager({ region: 'eu-west-1', env: process.env });
 */
export async function createCliManager(options: CliManagerOptions): Promise<SecretManager> {
  const { env } = options;
  for (const name of ['region', 'endpoint', 'profile'] as const) {
    if (options[name]?.trim() === '') throw new CliUsageError(`option --${name} has an empty value`);
  }
  const region = nonEmpty(options.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (region === undefined) throw new CliUsageError('no region: pass --region or set AWS_REGION');
  const endpoint =
    nonEmpty(options.endpoint) ??
    nonEmpty(env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  const { createAwsSecretsManager } = await import('../provider/aws/index.js');
  return createAwsSecretsManager({
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(await credentialsFrom(options)),
  });
}

async function credentialsFrom(
  options: CliManagerOptions,
): Promise<
  | { credentials: AwsCredentialIdentityProvider }
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | Record<string, never>
> {
  const { env } = options;
  const profile = nonEmpty(options.profile);
  if (profile !== undefined) return { credentials: await fromProfile(profile, '--profile') };
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
    return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
  }
  const envProfile = nonEmpty(env.AWS_PROFILE);
  if (envProfile !== undefined) return { credentials: await fromProfile(envProfile, 'AWS_PROFILE') };
  return {};
}

async function fromProfile(profile: string, source: string): Promise<AwsCredentialIdentityProvider> {
  let providers: typeof import('@aws-sdk/credential-providers');
  try {
    providers = await import('@aws-sdk/credential-providers');
  } catch {
    throw new CliUsageError(`${source} needs the package @aws-sdk/credential-providers: npm install it`);
  }
  return providers.fromIni({ profile });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
