import type { BenchClient } from './mock-client.js';

/** Secrets loaded into the cache by the memory scenario. */
export const SECRET_COUNT = 10_000;
/** Characters in each secret value of the memory scenario. */
export const SECRET_BYTES = 1_024;

/**
 * A JSON secret of a database connection, with three keys.
 * @example
 *   bench.put('prod/db-0', dbSecret(0));
 */
export function dbSecret(n: number): string {
  return JSON.stringify({ username: `app-${n}`, password: `pw-${n}-${'x'.repeat(24)}`, apiKey: `key-${n}` });
}

/** Seeds `count` JSON secrets named `<prefix>-<n>` and returns their names. */
export function seedSecrets(bench: BenchClient, prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const name = `${prefix}-${n}`;
    bench.put(name, dbSecret(n));
    return name;
  });
}

const ref = (secretId: string, key: string): string =>
  `{{resolve:secretsmanager:${secretId}:SecretString:${key}}}`;

/**
 * A 12-field connection object: nine plain fields and three references to the keys of one secret.
 * @example
 *   await resolveConnection(connection('prod/db-0'), manager);
 */
export function connection(secretId: string, n = 0): Record<string, unknown> {
  return {
    id: `conn-${n}`,
    displayName: 'Orders database',
    type: 'postgres',
    host: 'db.internal.example.com',
    port: 5432,
    database: 'orders',
    ssl: true,
    poolSize: 10,
    region: 'us-east-1',
    username: ref(secretId, 'username'),
    password: ref(secretId, 'password'),
    apiKey: ref(secretId, 'apiKey'),
  };
}

/**
 * A connection whose ten fields each reference the `password` of a different secret.
 * @example
 *   await resolveConnection(wideConnection(names), manager);
 */
export function wideConnection(secretIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(secretIds.map((id, n) => [`field${n}`, ref(id, 'password')]));
}

/**
 * A 12-field connection with its three references in a nested object and an array.
 * @example
 *   await resolveConnection(nestedConnection('prod/db-0'), manager);
 */
export function nestedConnection(secretId: string, n = 0): Record<string, unknown> {
  return {
    id: `conn-${n}`,
    displayName: 'Orders database',
    type: 'postgres',
    options: { ssl: true, poolSize: 10, region: 'us-east-1' },
    hosts: ['db-1.internal.example.com', 'db-2.internal.example.com'],
    auth: { username: ref(secretId, 'username'), password: ref(secretId, 'password') },
    headers: [{ name: 'x-api-key', value: ref(secretId, 'apiKey') }],
    port: 5432,
    database: 'orders',
    timeoutMs: 5_000,
    retries: 3,
    tags: ['orders', 'prod'],
  };
}

/**
 * A connection of 50 references over the keys of `secretIds` (10 secrets: 5 references each).
 * @example
 *   await resolveConnection(manyRefsConnection(names), manager);
 */
export function manyRefsConnection(secretIds: readonly string[]): Record<string, string> {
  const keys = ['username', 'password', 'apiKey'] as const;
  return Object.fromEntries(
    Array.from({ length: 50 }, (_, n) => [
      `field${n}`,
      ref(secretIds[n % secretIds.length]!, keys[n % keys.length]!),
    ]),
  );
}

/**
 * A 12-field connection whose three references read whole (non-JSON) secrets.
 * @example
 *   await resolveConnection(wholeConnection(['a', 'b', 'c']), manager);
 */
export function wholeConnection(secretIds: readonly string[]): Record<string, unknown> {
  const plain = connection('unused');
  const [a, b, c] = secretIds;
  return {
    ...plain,
    username: `{{resolve:secretsmanager:${a}}}`,
    password: `{{resolve:secretsmanager:${b}}}`,
    apiKey: `{{resolve:secretsmanager:${c}}}`,
  };
}
