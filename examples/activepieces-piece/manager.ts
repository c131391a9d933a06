import { createHash } from 'node:crypto';
import { createAwsSecretsManager, createManagerRegistry, type SecretManager } from 'secret-refs';

/** The fields of the piece's connection (see auth.ts); Activepieces passes every field, empty ones as undefined. */
export interface AwsSecretsAuthValue {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint: string | undefined;
}

/** How many connections a worker keeps a manager (and its cache) for; the least recently used one goes first. */
export const MAX_CONNECTIONS = 50;

/**
 * A new manager for these connection fields, with a one-minute cache. Throws a `SecretRefConfigError` naming
 * the field when the region or the endpoint is not valid.
 * @example
 *   const manager = createManager({ region: 'eu-west-1', accessKeyId, secretAccessKey, endpoint: undefined });
 */
export function createManager(auth: AwsSecretsAuthValue): SecretManager {
  const { region, accessKeyId, secretAccessKey, endpoint } = normalize(auth);
  return createAwsSecretsManager({
    region,
    accessKeyId,
    secretAccessKey,
    ...(endpoint === undefined ? {} : { endpoint }),
    cache: { ttlMs: 60_000 },
  });
}

/** The settings `managerFor` asks about, handed to the registry's `lookup` for the length of one synchronous call. */
let asking: AwsSecretsAuthValue | undefined;

/**
 * The worker's managers, one per connection: at most {@link MAX_CONNECTIONS}, built on first use, rebuilt when a
 * connection's secret key changes (the registry compares an HMAC of the settings, never keeps them).
 * @example
 *   connectionManagers.delete(); // drop every manager, say after a credentials incident
 */
export const connectionManagers = createManagerRegistry<AwsSecretsAuthValue>({
  lookup: () => asking,
  create: createManager,
  maxSize: MAX_CONNECTIONS,
});

/**
 * The manager of a step's connection, kept for the life of the worker so that its cache serves every run of every
 * flow that uses the connection. A connection is known by its region, endpoint and access key id (as a hash: the
 * registry holds no identifier in plain text); a corrected or rotated secret key gets a new manager at once.
 * @example
 *   const headers = await resolveConnection(template, await managerFor(context.auth.props));
 */
export async function managerFor(auth: AwsSecretsAuthValue): Promise<SecretManager> {
  const settings = normalize(auth);
  const id = createHash('sha256')
    .update(JSON.stringify([settings.region, settings.endpoint ?? '', settings.accessKeyId]))
    .digest('base64url');
  asking = settings;
  try {
    return connectionManagers.managers(id); // calls `lookup` before it returns, so `asking` is read in time
  } finally {
    asking = undefined;
  }
}

/** The fields as the manager uses them: white space around the region, key id and endpoint dropped. */
function normalize(auth: AwsSecretsAuthValue): AwsSecretsAuthValue {
  return {
    region: auth.region.trim(),
    accessKeyId: auth.accessKeyId.trim(),
    secretAccessKey: auth.secretAccessKey,
    endpoint: auth.endpoint?.trim() || undefined,
  };
}
