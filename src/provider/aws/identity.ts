import { createHash } from 'node:crypto';
import type { ResolvedAwsConfig } from './config.js';

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
 * The provider's `identity`: `aws|<region>|<endpoint>|<who>`, where `<who>` is `key:` and a hash of the access key
 * id for static credentials, `provider:<n>` for a credential provider, `client:<n>` for an injected client (each
 * object numbered once per process) or `default` for the SDK's default chain. Never holds a secret key or token.
 * @example
 *   awsIdentity(resolveAwsConfig({ region: 'us-east-1', accessKeyId, secretAccessKey })); // 'aws|us-east-1||key:…'
 */
export function awsIdentity(config: ResolvedAwsConfig): string {
  if (config.client !== undefined) return `aws|||client:${objectId(config.client)}`;
  return `aws|${config.region ?? ''}|${config.endpoint ?? ''}|${credentialIdentity(config.credentials)}`;
}

function credentialIdentity(credentials: ResolvedAwsConfig['credentials']): string {
  if (credentials === undefined) return 'default';
  if (typeof credentials === 'function') return `provider:${objectId(credentials)}`;
  const digest = createHash('sha256').update(credentials.accessKeyId).digest('hex');
  return `key:${digest.slice(0, 16)}`;
}
