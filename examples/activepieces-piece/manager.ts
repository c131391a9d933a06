import { createAwsSecretsManager } from '../../src/provider/aws/index.js';
import type { SecretManager } from '../../src/types.js';

/** The fields of the piece's connection (see auth.ts). */
export interface AwsSecretsAuthValue {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint?: string | undefined;
}

const managers = new Map<string, SecretManager>();

/**
 * One manager per connection for the life of the worker, so that its cache serves every run of every flow
 * that uses the connection. Keyed by region, endpoint and access key id (never the secret key).
 */
export function managerFor(auth: AwsSecretsAuthValue): SecretManager {
  const endpoint = auth.endpoint?.trim() || undefined;
  const key = JSON.stringify([auth.region, endpoint, auth.accessKeyId]);
  let manager = managers.get(key);
  if (manager === undefined) {
    manager = createAwsSecretsManager({
      region: auth.region.trim(),
      accessKeyId: auth.accessKeyId.trim(),
      secretAccessKey: auth.secretAccessKey,
      ...(endpoint === undefined ? {} : { endpoint }),
      cache: { ttlMs: 60_000 },
    });
    managers.set(key, manager);
  }
  return manager;
}
