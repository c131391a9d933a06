import { createRequire } from 'node:module';

/** One profile of the shared AWS files, as the SDK reads it (`[profile ops]` in config, `[ops]` in credentials). */
export type AwsProfileSettings = Readonly<Record<string, string | undefined>>;

/** The shared AWS config and credentials files, parsed by the SDK's own loader. */
export interface SharedAwsFiles {
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
export async function loadSharedAwsFiles(): Promise<SharedAwsFiles | undefined> {
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
export function loadFromProcess(): ((init: { profile: string }) => () => Promise<unknown>) | undefined {
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
