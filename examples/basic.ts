/**
 * The everyday use: one manager for the process, `resolveConnection` before each use of a stored connection.
 * Run: `npx tsx examples/basic.ts` (it starts a local stand-in for AWS Secrets Manager, no account needed).
 *
 * It imports the package by name, as your code does (this repository maps 'secret-refs' to its `src/`).
 */
import { readFile } from 'node:fs/promises';
import { createAwsSecretsManager, resolveConnection } from 'secret-refs';
import { startDemoEndpoint } from './demo-endpoint.js';

const local = await startDemoEndpoint();
try {
  // Against AWS, pass only `region` (and credentials, or let the SDK's default chain find them).
  const manager = createAwsSecretsManager({
    region: local.region,
    accessKeyId: local.credentials.accessKeyId,
    secretAccessKey: local.credentials.secretAccessKey,
    endpoint: local.endpoint,
  });

  // One value: any reference form, including the bare `secret-id:json-key`.
  const password = await manager.getSecret('demo/orders-db:password');
  console.log(`getSecret('demo/orders-db:password') → ${mask(password)}`);

  // A whole connection object, as stored in a database or a JSON file.
  const connection = JSON.parse(await readFile(new URL('./connection.json', import.meta.url), 'utf8'));
  const resolved = await resolveConnection(connection, manager);
  const props = resolved.value.props as Record<string, string>;
  console.log(`resolveConnection → host ${props.host}, port ${props.port}, user ${props.user}`);
  console.log(
    `                    password ${mask(props.password ?? '')}, template left alone: "${resolved.extras.greeting}"`,
  );

  // Resolving again is served from the cache.
  await resolveConnection(connection, manager);
  const stats = manager.stats();
  console.log(`stats: ${stats.apiCalls} API calls, ${stats.hits} cache hits, ${stats.misses} misses`);
} finally {
  await local.close();
}

function mask(value: string): string {
  return `${'•'.repeat(8)} (${value.length} characters)`;
}
