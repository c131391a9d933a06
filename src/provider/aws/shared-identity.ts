import type { ResolvedAwsConfig } from './config.js';

/**
 * The AWS provider's `sharedIdentity`: the scope its entries are shared under in the Redis tier, the same in every
 * process with the same trust. Static keys are compared through the tier's keyed `digest` (access key id, secret key
 * and session token together, so a wrong or revoked secret key under a known key id never reads what the right one
 * wrote); region and endpoint are part of it too. Credentials from a provider (default chain, profile, assume role)
 * and an injected client cannot be compared across processes: they are shared only under an explicit `scope`, which
 * then also names the sharing (several teams on one Redis stay apart). An explicit `scope` narrows static keys too.
 * @example
 *   const provider = { ...createAwsProvider(config), sharedIdentity: (digest, scope) => awsSharedIdentity(resolved, digest, scope) };
 */
export function awsSharedIdentity(
  config: ResolvedAwsConfig,
  digest: (text: string) => string,
  scope: string | undefined,
): string | undefined {
  const named = scope === undefined ? '' : `|scope:${digest(`scope\0${scope}`)}`;
  if (config.client !== undefined) return scope === undefined ? undefined : `aws|client${named}`;
  // Parameter Store's endpoint, when set, is part of where values come from (unset: the identity stays as before).
  const ssm = config.ssmEndpoint === undefined ? '' : `|ssm:${digest(`ssmEndpoint\0${config.ssmEndpoint}`)}`;
  const where = `aws|${config.region ?? ''}|${digest(`endpoint\0${config.endpoint ?? ''}`)}${ssm}`;
  const credentials = config.credentials;
  if (credentials === undefined || typeof credentials === 'function') {
    return scope === undefined
      ? undefined
      : `${where}|${credentials === undefined ? 'default' : 'provider'}${named}`;
  }
  const keys = digest(
    `keys\0${credentials.accessKeyId}\0${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}`,
  );
  return `${where}|key:${keys}${named}`;
}
