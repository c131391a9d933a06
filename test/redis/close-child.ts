/**
 * A process that creates a Redis cache and closes it in a given state of its subscriber, then closes its own client
 * and nothing else: it must exit by itself. Argument: JSON `{ flavour, url, state }` where state is `connecting`
 * (close at once), `reconnecting` (the URL points at nothing; close while the subscriber retries) or `ready`.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createRedisSecretCache } from '../../src/redis/index.js';

const { flavour, url, state } = JSON.parse(process.argv[2] ?? '{}') as {
  flavour: 'node-redis' | 'ioredis';
  url: string;
  state: 'connecting' | 'reconnecting' | 'ready';
};
const encryptionKey = Buffer.alloc(32, 0xa1).toString('base64');

let client: { destroy?: () => void; disconnect?: () => void };
if (flavour === 'ioredis') {
  const ioredis = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
  ioredis.on('error', () => {});
  if (state !== 'reconnecting') await ioredis.connect();
  client = ioredis;
} else {
  const nodeRedis = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  nodeRedis.on('error', () => {});
  if (state !== 'reconnecting') await nodeRedis.connect();
  client = nodeRedis;
}
const cache = createRedisSecretCache({ client, encryptionKey, namespace: 'close-child' });
if (state === 'reconnecting') await new Promise((resolve) => setTimeout(resolve, 300));
if (state === 'ready') {
  while (!cache.isListening()) await new Promise((resolve) => setTimeout(resolve, 5));
}
await cache.close();
if (flavour === 'ioredis') client.disconnect?.();
else client.destroy?.();
process.stdout.write('closed\n');
