import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecretManager } from '../manager/types.js';
import type { AwsCredentialsOption } from '../provider/aws/credentials.js';
import { withoutValues } from '../provider/aws/map-error.js';
import { type CliCredentialSource, chainSource, type ProfileKind } from './credential-source.js';
import { type CliManagerOptions, CliUsageError } from './io.js';
import { positiveInteger } from './options.js';

/**
 * The CLI's default manager factory: the AWS provider configured the way the AWS CLI resolves things.
 *
 * - Credentials: `--profile`, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`), else
 *   `AWS_PROFILE`, else the SDK's default chain. A profile goes through the SDK's own default chain for that profile
 *   (keys, SSO, assume role), a `credential_process` profile through the SDK's `fromProcess` (so that the process's
 *   own error is reported) — no extra package; a profile found in neither shared file is bad usage naming it. What
 *   is learnt of the credentials (the profile's kind, the chain's link, a failure) goes to `onCredentials`.
 * - Region: `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the `region` of the profile (or of
 *   `[default]`) in the shared config file.
 * - Endpoint: `--endpoint`, else `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else `AWS_ENDPOINT_URL`. Parameter Store's:
 *   `AWS_ENDPOINT_URL_SSM`, else `AWS_ENDPOINT_URL` (the CLI reads its environment from `env`, as the SDK would).
 * - `--max-attempts` (else `AWS_MAX_ATTEMPTS`) and `--timeout` (per attempt).
 */
export async function createCliManager(options: CliManagerOptions): Promise<SecretManager> {
  const { env } = options;
  for (const name of ['region', 'endpoint', 'profile'] as const) {
    if (options[name]?.trim() === '') throw new CliUsageError(`option --${name} has an empty value`);
  }
  const source = credentialSource(options);
  const tell = (learnt: Partial<CliCredentialSource>): void => {
    Object.assign(source, learnt);
    options.onCredentials?.({ ...source });
  };
  const keys = source.profile === undefined ? staticKeys(env) : undefined;
  let region = nonEmpty(options.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (source.profile !== undefined || region === undefined) {
    // The shared files are the user's: one that cannot be read is bad usage, naming where they were looked for.
    const files = await loadSharedAwsFiles().catch(() => {
      throw new CliUsageError(`cannot read the shared AWS files (${configPaths()})`);
    });
    // No loader in this SDK (`files` undefined): the SDK alone will say what is wrong with the profile.
    if (source.profile !== undefined && files !== undefined) {
      const { name, from } = source.profile;
      if (files.configFile[name] === undefined && files.credentialsFile[name] === undefined) {
        throw new CliUsageError(`profile "${name}" (${from}) is not in ${configPaths()}`);
      }
      source.profile.kind = profileKind(files, name);
    }
    region ??= nonEmpty(files?.configFile[source.profile?.name ?? 'default']?.region);
  }
  if (region === undefined) {
    const where = source.profile === undefined ? '' : `, or set region in profile "${source.profile.name}"`;
    throw new CliUsageError(`no region: pass --region or set AWS_REGION${where}`);
  }
  const endpoint =
    nonEmpty(options.endpoint) ??
    nonEmpty(env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  const ssmEndpoint = nonEmpty(env.AWS_ENDPOINT_URL_SSM) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const attemptsFromEnv = nonEmpty(env.AWS_MAX_ATTEMPTS);
  const maxAttempts =
    options.maxAttempts ??
    (attemptsFromEnv === undefined ? undefined : positiveInteger(attemptsFromEnv, 'AWS_MAX_ATTEMPTS'));
  tell({});
  const credentials = keys === undefined ? await sdkCredentials(source.profile, region, tell) : undefined;
  const { createAwsSecretsManager } = await import('../manager/create-aws-secrets-manager.js');
  return createAwsSecretsManager({
    // The library reads an option left undefined as not given.
    region,
    endpoint,
    ssmEndpoint,
    maxAttempts,
    requestTimeoutMs: options.requestTimeoutMs,
    onEvent: options.onEvent,
    ...(keys ?? {}),
    ...(credentials === undefined ? {} : { credentials }),
  });
}

/**
 * Which profile (if any) supplies the credentials: `--profile`, else `AWS_PROFILE` unless static keys are set in
 * the environment (they win over `AWS_PROFILE`, as in the AWS CLI).
 */
export function credentialSource(options: CliManagerOptions): CliCredentialSource {
  const flag = nonEmpty(options.profile);
  if (flag !== undefined) return { profile: { name: flag, from: '--profile' } };
  if (staticKeys(options.env) !== undefined) return { environment: true };
  const fromEnv = nonEmpty(options.env.AWS_PROFILE);
  return fromEnv === undefined ? {} : { profile: { name: fromEnv, from: 'AWS_PROFILE' } };
}

function staticKeys(
  env: CliManagerOptions['env'],
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/**
 * The credentials the SDK finds for `profile` (or with no profile, its default chain: SSO, keys, roles…), as a client
 * of that profile builds them. A credential_process profile runs the SDK's own `fromProcess` instead, so that the
 * process's failure reaches the CLI instead of the chain's "Could not load credentials from any providers".
 */
async function sdkCredentials(
  profile: CliCredentialSource['profile'],
  region: string,
  tell: (learnt: Partial<CliCredentialSource>) => void,
): Promise<AwsCredentialsOption> {
  const fromProcess = profile?.kind === 'credential_process' ? loadFromProcess() : undefined;
  if (profile !== undefined && fromProcess !== undefined) {
    return observed(fromProcess({ profile: profile.name }), tell, true);
  }
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({
    region,
    ...(profile === undefined ? {} : { profile: profile.name }),
  });
  return observed(client.config.credentials, tell, false);
}

/**
 * A credential provider of the SDK that tells what it learns: which link answered (from the SDK's marks, never a
 * key), or that nothing could be loaded. The error goes on unchanged to the SDK and the library, except a
 * credential_process's, which is cut to its first line.
 */
function observed(
  provider: () => Promise<unknown>,
  tell: (learnt: Partial<CliCredentialSource>) => void,
  isProcess: boolean,
): AwsCredentialsOption {
  return (async () => {
    try {
      const identity = await provider();
      tell({ resolvedBy: chainSource(identity) });
      return identity;
    } catch (error) {
      if (!isProcess) {
        tell({ unloaded: true });
        throw error;
      }
      // What the process wrote is not trusted: only its first line goes on, cleaned of what looks like a value.
      const said = processFailure(error);
      tell({ processSaid: said, unloaded: true });
      const failure = new Error(`Command failed: credential_process\n${said}`);
      failure.name = error instanceof Error ? error.name : failure.name;
      throw failure;
    }
  }) as AwsCredentialsOption;
}

/** The first line of a failed credential_process's error, cleaned (`Command failed: <command>` is dropped). */
function processFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const lines = message.split(/\r?\n/).map((line) => line.trim());
  // The SDK's own sentences start "Profile <name> credential_process …": the words after the name say it.
  const own = lines[0]?.startsWith('Command failed:') === true ? lines.slice(1) : lines;
  const first = (own.find((line) => line !== '') ?? '').replace(/^Profile \S+ credential_process /, '');
  return withoutValues(first);
}

/** The shared files' paths as the SDK finds them (it reads the process environment, as the AWS CLI does). */
function configPaths(): string {
  const home = nonEmpty(process.env.HOME) ?? homedir();
  const config = nonEmpty(process.env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
  const credentials = nonEmpty(process.env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
  return `${config} or ${credentials}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The kind of a profile, from its settings in both shared files (the config file's win, as in the SDK). */
function profileKind(files: SharedAwsFiles, name: string): ProfileKind {
  const settings: AwsProfileSettings = { ...files.credentialsFile[name], ...files.configFile[name] };
  if (settings.role_arn !== undefined) return 'role';
  if (settings.sso_session !== undefined || settings.sso_start_url !== undefined) return 'sso';
  if (settings.web_identity_token_file !== undefined) return 'web_identity';
  if (settings.credential_process !== undefined) return 'credential_process';
  if (settings.aws_access_key_id !== undefined) return 'keys';
  return 'unknown';
}

/** One profile of the shared AWS files, as the SDK reads it (`[profile ops]` in config, `[ops]` in credentials). */
type AwsProfileSettings = Readonly<Record<string, string | undefined>>;

/** The shared AWS config and credentials files, parsed by the SDK's own loader. */
interface SharedAwsFiles {
  /** Profiles of `~/.aws/config` (or `AWS_CONFIG_FILE`), by name without the `profile ` prefix. */
  configFile: Readonly<Record<string, AwsProfileSettings>>;
  /** Profiles of `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`). */
  credentialsFile: Readonly<Record<string, AwsProfileSettings>>;
}

type Loader = (init?: { ignoreCache?: boolean }) => Promise<Partial<SharedAwsFiles>>;

/**
 * Reads the shared AWS files the way the AWS SDK (and the AWS CLI) does, with the SDK's loader: the one from
 * `@smithy/core/config` (current SDKs) or `@smithy/shared-ini-file-loader` (earlier ones), resolved from where the
 * installed `@aws-sdk/client-secrets-manager` lives, so it is the very code that will read the credentials.
 * Resolves to `undefined` when no such loader can be found (then profiles are left to the SDK alone).
 */
async function loadSharedAwsFiles(): Promise<SharedAwsFiles | undefined> {
  const load = findSdkExport<Loader>('loadSharedConfigFiles', [
    ['client', '@smithy/core/config'],
    ['client', '@smithy/shared-ini-file-loader'],
    ['client', '@smithy/shared-ini-file-loader', '@smithy/node-config-provider'],
  ]);
  if (load === undefined) return undefined;
  const files = await load({ ignoreCache: true });
  return { configFile: files.configFile ?? {}, credentialsFile: files.credentialsFile ?? {} };
}

/**
 * The SDK's own `fromProcess` (the `credential_process` provider), from `@aws-sdk/credential-providers` when
 * installed, else from the `@aws-sdk/credential-provider-process` that the installed client's default chain uses;
 * `undefined` when neither can be found (then the profile goes through the client's default chain).
 */
function loadFromProcess(): ((init: { profile: string }) => () => Promise<unknown>) | undefined {
  return findSdkExport('fromProcess', [
    ['local', '@aws-sdk/credential-providers'],
    ['client', '@aws-sdk/credential-provider-process'],
    ['client', '@aws-sdk/credential-provider-process', '@aws-sdk/credential-provider-node'],
  ]);
}

/**
 * The function `name` exported by the first of `candidates` that has it: a package resolved from this package
 * (`local`) or from the installed client (`client`), possibly through a package that depends on it (`via`).
 */
function findSdkExport<T>(
  name: string,
  candidates: readonly [from: 'local' | 'client', module: string, via?: string][],
): T | undefined {
  let local: NodeJS.Require;
  let client: NodeJS.Require;
  try {
    local = createRequire(import.meta.url);
    client = createRequire(local.resolve('@aws-sdk/client-secrets-manager'));
  } catch {
    return undefined;
  }
  for (const [from, module, via] of candidates) {
    try {
      const base = from === 'local' ? local : client;
      const found = (via === undefined ? base : createRequire(base.resolve(via)))(module)[name];
      if (typeof found === 'function') return found as T;
    } catch {
      // not installed in this SDK's layout: try the next
    }
  }
  return undefined;
}
