import { createRequire } from 'node:module';

/**
 * One profile of the shared AWS files, as the SDK reads it (`[profile ops]` in config, `[ops]` in credentials).
 * @example
 *   const ops: AwsProfileSettings = { region: 'eu-west-1', sso_session: 'corp' };
 */
export type AwsProfileSettings = Readonly<Record<string, string | undefined>>;

/**
 * The shared AWS config and credentials files, parsed by the SDK's own loader.
 * @example
 *   const files: SharedAwsFiles = { configFile: { ops: { region: 'eu-west-1' } }, credentialsFile: {} };
 */
export interface SharedAwsFiles {
  /** Profiles of `~/.aws/config` (or `AWS_CONFIG_FILE`), by name without the `profile ` prefix. */
  configFile: Readonly<Record<string, AwsProfileSettings>>;
  /** Profiles of `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`). */
  credentialsFile: Readonly<Record<string, AwsProfileSettings>>;
}

type Loader = (init?: { ignoreCache?: boolean }) => Promise<SharedAwsFiles>;

/**
 * Reads the shared AWS files the way the AWS SDK (and the AWS CLI) does, with the SDK's loader: the one from
 * `@smithy/core/config` (current SDKs) or `@smithy/shared-ini-file-loader` (earlier ones), resolved from where the
 * installed `@aws-sdk/client-secrets-manager` lives, so it is the very code that will read the credentials.
 * Resolves to `undefined` when no such loader can be found (then profiles are left to the SDK alone).
 * @example
 *   const files = await loadSharedAwsFiles();
 *   const region = files?.configFile.ops?.region;
 */
export async function loadSharedAwsFiles(): Promise<SharedAwsFiles | undefined> {
  const load = findLoader();
  if (load === undefined) return undefined;
  const files = await load({ ignoreCache: true });
  return { configFile: files.configFile ?? {}, credentialsFile: files.credentialsFile ?? {} };
}

function findLoader(): Loader | undefined {
  let fromClient: NodeJS.Require;
  try {
    const local = createRequire(import.meta.url);
    fromClient = createRequire(local.resolve('@aws-sdk/client-secrets-manager'));
  } catch {
    return undefined;
  }
  const candidates: [string, string | undefined][] = [
    ['@smithy/core/config', undefined],
    ['@smithy/shared-ini-file-loader', undefined],
    ['@smithy/shared-ini-file-loader', '@smithy/node-config-provider'],
  ];
  for (const [name, via] of candidates) {
    try {
      const from = via === undefined ? fromClient : createRequire(fromClient.resolve(via));
      const loader = (from(name) as { loadSharedConfigFiles?: unknown }).loadSharedConfigFiles;
      if (typeof loader === 'function') return loader as Loader;
    } catch {
      // not in this SDK's layout: try the next
    }
  }
  return undefined;
}

/** The SDK's `credential_process` provider: `fromProcess({ profile })`. */
export type FromProcess = (init: { profile: string }) => () => Promise<unknown>;

/**
 * The SDK's own `fromProcess`, from `@aws-sdk/credential-providers` when installed, else from the
 * `@aws-sdk/credential-provider-process` that the installed client's default chain uses; `undefined` when neither
 * can be found (then the profile goes through the client's default chain, as before).
 * @example
 *   const fromProcess = loadFromProcess();
 *   const credentials = fromProcess?.({ profile: 'ops' });
 */
export function loadFromProcess(): FromProcess | undefined {
  let local: NodeJS.Require;
  let fromClient: NodeJS.Require;
  try {
    local = createRequire(import.meta.url);
    fromClient = createRequire(local.resolve('@aws-sdk/client-secrets-manager'));
  } catch {
    return undefined;
  }
  const candidates: [NodeJS.Require, string, string | undefined][] = [
    [local, '@aws-sdk/credential-providers', undefined],
    [fromClient, '@aws-sdk/credential-provider-process', undefined],
    [fromClient, '@aws-sdk/credential-provider-process', '@aws-sdk/credential-provider-node'],
  ];
  for (const [base, name, via] of candidates) {
    try {
      const from = via === undefined ? base : createRequire(base.resolve(via));
      const provider = (from(name) as { fromProcess?: unknown }).fromProcess;
      if (typeof provider === 'function') return provider as FromProcess;
    } catch {
      // not installed in this layout: try the next
    }
  }
  return undefined;
}
