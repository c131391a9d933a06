/**
 * One worker of the fleet example: what each process of your service does. It builds its manager with the shared
 * Redis cache, reads the connection's secrets when told to, and says when an invalidation reaches it.
 */
import { createClient } from 'redis';
import { createAwsSecretsManager, resolveConnection } from 'secret-refs';
import { createRedisSecretCache } from 'secret-refs/redis';

const { REDIS_URL, ENDPOINT, REGION, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SECRET_CACHE_KEY, WORKER } =
  process.env;

const client = await createClient({ url: REDIS_URL }).connect();
const cache = createRedisSecretCache({
  client,
  encryptionKey: SECRET_CACHE_KEY!,
  namespace: 'fleet-example',
});
const manager = createAwsSecretsManager({
  region: REGION,
  endpoint: ENDPOINT,
  accessKeyId: ACCESS_KEY_ID,
  secretAccessKey: SECRET_ACCESS_KEY,
  cache,
});
const connection = {
  host: '{{resolve:secretsmanager:demo/orders-db:SecretString:host}}',
  password: '{{resolve:secretsmanager:demo/orders-db:SecretString:password}}',
  apiKey: '{{resolve:secretsmanager:demo/stripe}}',
};
while (!cache.isListening()) await new Promise((resolve) => setTimeout(resolve, 10));
// A readiness check, as a service would make before taking traffic: it also loads the AWS SDK and signs a first
// request, so the fleet's first reads below race on the lease, not on each process's start-up.
const health = await manager.testConnection();
if (!health.ok) throw new Error(`${WORKER}: ${health.code}`);

process.on('message', async (command: string) => {
  if (command === 'resolve') {
    const resolved = await resolveConnection(connection, manager);
    process.send?.({ worker: WORKER, host: resolved.host, passwordLength: resolved.password.length });
  } else if (command === 'invalidate') {
    manager.invalidate('demo/orders-db');
    process.send?.({ worker: WORKER, invalidated: true });
  } else if (command === 'stats') {
    process.send?.({ worker: WORKER, stats: manager.stats() });
  } else {
    await cache.close();
    await client.quit();
    process.exit(0);
  }
});
process.send?.({ worker: WORKER, ready: true });
