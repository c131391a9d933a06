/**
 * One process of the fleet, alone: FLEET_MANAGERS managers (250 by default) × 200 secrets over one node-redis client
 * and a single redis-server, every cache holding every secret; then FLEET_INVALIDATIONS invalidations (6) sent by
 * another client, each timed from its send to its arrival in every cache of the process (the cost of handing one
 * message to many caches, without the other processes of bench/fleet-cluster.ts competing for the cores).
 * `npx tsx bench/fleet-invalidation-process.ts`; FLEET_CPU_PROF=<file> writes a CPU profile of the invalidations.
 */
import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { createClient } from 'redis';
import { cacheStoreOf } from '../src/cache/create-secret-cache.js';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../src/provider/aws/create-aws-provider.js';
import { createRedisSecretCache } from '../src/redis/index.js';
import { startLocalSecretsManager } from '../src/testing/index.js';
import { startRedisServer } from '../test/support/redis-server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const N = Number(process.env.FLEET_MANAGERS ?? 250);
const IDS = Array.from({ length: 200 }, (_, i) => `bench/fleet1k/secret-${i}`);
const sm = await startLocalSecretsManager({
  secrets: IDS.map((name) => ({ name, secretString: `v-${name}` })),
});
const redis = await startRedisServer();
const encryptionKey = randomBytes(32).toString('base64');
const client = createClient({ url: redis.url });
client.on('error', () => {});
await client.connect();
const provider = createAwsProvider({ region: sm.region, endpoint: sm.endpoint, ...sm.credentials });
const heard: number[] = [];
let armed: boolean[] = [];
const caches = [];
const managers = [];
for (let i = 0; i < N; i++) {
  const cache = createRedisSecretCache({
    client,
    encryptionKey,
    namespace: 'x',
    ttlMs: 600_000,
    operationTimeoutMs: 1000,
  });
  caches.push(cache);
  const idx = i;
  cacheStoreOf(cache)?.tier?.onInvalidate(() => {
    if (armed[idx]) return;
    armed[idx] = true;
    heard.push(performance.now());
  });
  managers.push(createSecretManager(provider, { cache }));
}
while (caches.some((c) => !c.isListening())) await new Promise((r) => setTimeout(r, 20));
// A cold start at once, as the fleet bench's.
await Promise.all(managers.map((m) => m.getSecrets(IDS)));
// The sender: another client, so another subscription (another process, as far as the bus goes).
const client2 = createClient({ url: redis.url });
client2.on('error', () => {});
await client2.connect();
const senderCache = createRedisSecretCache({
  client: client2,
  encryptionKey,
  namespace: 'x',
  ttlMs: 600_000,
});
const sender = createSecretManager(provider, { cache: senderCache });
await sender.getSecrets(IDS.slice(0, 1));
while (!senderCache.isListening()) await new Promise((r) => setTimeout(r, 20));

const session = new Session();
if (process.env.FLEET_CPU_PROF) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
for (let round = 0; round < Number(process.env.FLEET_INVALIDATIONS ?? 6); round++) {
  armed = Array(N).fill(false);
  heard.length = 0;
  const sent = performance.now();
  sender.invalidate(IDS[round + 1]!);
  await new Promise((r) => setTimeout(r, 1000));
  const sorted = heard.map((t) => t - sent).sort((a, b) => a - b);
  console.log(
    `round ${round}: heard ${sorted.length}, first ${sorted[0]?.toFixed(1)} p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} last ${sorted.at(-1)?.toFixed(1)} ms`,
  );
}
if (process.env.FLEET_CPU_PROF) {
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(process.env.FLEET_CPU_PROF, JSON.stringify(profile));
}
await senderCache.close();
await Promise.all(caches.map((c) => c.close()));
client.destroy();
client2.destroy();
await redis.stop();
await sm.close();
process.exit(0);
