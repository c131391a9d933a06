import { createHmac, randomBytes } from 'node:crypto';
import type { ResolvedAwsConfig } from './config.js';
import { endpointLabel } from './origin.js';

/** Keys the credential digests: chosen once per process, so a digest seen in a log cannot be tested offline. */
const DIGEST_KEY = randomBytes(32);

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    lastObjectId += 1;
    id = lastObjectId;
    objectIds.set(value, id);
  }
  return id;
}

/**
 * The provider's `identity`: `aws|<region>|<endpoint>|<who>`. `<endpoint>` is the endpoint's origin, followed by
 * `#` and a keyed digest when the URL has a path (a path can hold a proxy token; the identity is shown by
 * `util.inspect(manager)` and `JSON.stringify(manager)`, and endpoints that differ only in their path must still
 * not share cache entries). `<who>` is `key:` and a keyed digest of the
 * whole static credentials (access key id, secret key and session token, so managers holding different keys never
 * share a cache entry, even under one access key id), `provider:<n>` for a credential provider, `client:<n>` for an injected client (each
 * object numbered once per process) or `default` for the SDK's default chain. Never holds a secret key or token.
 * @example
 *   awsIdentity(resolveAwsConfig({ region: 'us-east-1', accessKeyId, secretAccessKey })); // 'aws|us-east-1||key:…'
 */
export function awsIdentity(config: ResolvedAwsConfig): string {
  // Parameter Store's endpoint changes what its references read: it is named, when set, after the rest.
  const ssm = config.ssmEndpoint === undefined ? '' : `|ssm=${endpointLabel(config.ssmEndpoint)}`;
  if (config.client !== undefined) return `aws|||client:${objectId(config.client)}${ssm}`;
  return `aws|${config.region ?? ''}|${endpointLabel(config.endpoint)}|${credentialIdentity(config.credentials)}${ssm}`;
}

function credentialIdentity(credentials: ResolvedAwsConfig['credentials']): string {
  if (credentials === undefined) return 'default';
  if (typeof credentials === 'function') return `provider:${objectId(credentials)}`;
  const digest = createHmac('sha256', DIGEST_KEY)
    .update(credentials.accessKeyId)
    .update('\0')
    .update(credentials.secretAccessKey)
    .update('\0')
    .update(credentials.sessionToken ?? '')
    .digest('hex');
  return `key:${digest.slice(0, 16)}`;
}
