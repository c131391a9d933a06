import { createHash } from 'node:crypto';
import { createAwsSecretsManager } from '../../src/provider/aws/index.js';
import type { SecretManager } from '../../src/types.js';

/** The fields of the piece's connection (see auth.ts); Activepieces passes every field, empty ones as undefined. */
export interface AwsSecretsAuthValue {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint: string | undefined;
}

/**
 * A new manager for these connection fields, with a one-minute cache. Throws a `SecretRefConfigError` naming
 * the field when the region or the endpoint is not valid.
 */
export function createManager(auth: AwsSecretsAuthValue): SecretManager {
  const endpoint = auth.endpoint?.trim() || undefined;
  return createAwsSecretsManager({
    region: auth.region.trim(),
    accessKeyId: auth.accessKeyId.trim(),
    secretAccessKey: auth.secretAccessKey,
    ...(endpoint === undefined ? {} : { endpoint }),
    cache: { ttlMs: 60_000 },
  });
}

const managers = new Map<string, SecretManager>();

/**
 * One manager per connection for the life of the worker, so that its cache serves every run of every flow
 * that uses the connection. Keyed by a hash of every field, so that a corrected or rotated secret key gets a
 * new manager and the map holds no key in plain text.
 */
export function managerFor(auth: AwsSecretsAuthValue): SecretManager {
  const fields = [
    auth.region.trim(),
    auth.endpoint?.trim() ?? '',
    auth.accessKeyId.trim(),
    auth.secretAccessKey,
  ];
  const key = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
  let manager = managers.get(key);
  if (manager === undefined) {
    manager = createManager(auth);
    managers.set(key, manager);
  }
  return manager;
}
