/**
 * One process of the fleet benchmark (bench/fleet.ts): a manager over the AWS provider (the local endpoint) with
 * either the Redis cache or a plain in-process cache, driven over IPC. Reports when an invalidation reaches it.
 */
import { createClient } from 'redis';
import { cacheStoreOf, createSecretCache } from '../src/cache/create-secret-cache.js';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../src/provider/aws/create-aws-provider.js';
import { createRedisSecretCache } from '../src/redis/index.js';

interface Setup {
  redisUrl: string;
  tier: boolean;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  encryptionKey: string;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const config = {
  region: setup.region,
  endpoint: setup.endpoint,
  accessKeyId: setup.accessKeyId,
  secretAccessKey: setup.secretAccessKey,
};
const provider = createAwsProvider(config);
const client = setup.tier ? await createClient({ url: setup.redisUrl }).connect() : undefined;
const cache = client
  ? createRedisSecretCache({ client, encryptionKey: setup.encryptionKey, namespace: 'bench' })
  : createSecretCache();
const manager = createSecretManager(provider, { cache });
// Load the SDK and open a connection first (one ListSecrets call, not counted): the cold start measures reads.
await provider.testConnection?.();
const now = (): number => performance.timeOrigin + performance.now();
const send = (message: unknown): void => {
  process.send?.(message);
};
cacheStoreOf(cache)?.tier?.onInvalidate(() => send({ heard: now() }));
if (client) {
  const redisCache = cache as ReturnType<typeof createRedisSecretCache>;
  while (!redisCache.isListening()) await new Promise((resolve) => setTimeout(resolve, 5));
}

process.on('message', async (command: { op: string; ids?: string[]; id?: string }) => {
  if (command.op === 'read') {
    const started = now();
    const results = await manager.getSecrets(command.ids ?? []);
    send({ ms: now() - started, failed: results.filter((result) => !result.ok).length });
  } else if (command.op === 'invalidate') {
    const sent = now();
    manager.invalidate(command.id);
    send({ sent });
  } else if (command.op === 'exit') {
    if (client) {
      await (cache as ReturnType<typeof createRedisSecretCache>).close();
      client.destroy();
    }
    process.exit(0);
  }
});
send({ ready: true });
