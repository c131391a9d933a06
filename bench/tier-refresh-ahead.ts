/**
 * Refresh ahead through the Redis tier: 3 managers (each with its own Redis connection and cache, as 3 processes
 * would be), a 1 s TTL, `refreshAheadMs` 300, a provider answering in 50 ms, 6 s of reads (each manager every
 * 10 ms). Prints the reads that waited for the provider (took 25 ms or more), the provider calls, and from INFO
 * commandstats (reset after one warm-up read per manager) the Redis round trips (scripts run) and every command.
 *   node --import tsx bench/tier-refresh-ahead.ts [refreshAheadMs]
 */
import { createClient } from 'redis';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createRedisSecretCache } from '../src/redis/index.js';
import type { SecretLocator } from '../src/types.js';
import { startRedisServer } from '../test/support/redis-server.js';

const aheadMs = Number(process.argv[2] ?? 300);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const server = await startRedisServer();
const url = `redis://127.0.0.1:${server.port}`;
let providerCalls = 0;
const provider = {
  kind: 'memory',
  identity: 'bench',
  sharedIdentity: (digest: (text: string) => string) => digest('bench'),
  async fetch(locator: SecretLocator) {
    providerCalls++;
    await sleep(50);
    return { secretString: 'pw', versionId: 'v1', name: locator.secretId };
  },
};
const members = await Promise.all(
  [0, 1, 2].map(async () => {
    const client = await createClient({ url }).connect();
    const cache = createRedisSecretCache({
      client,
      encryptionKey: Buffer.alloc(32, 7),
      namespace: 'bench',
      ttlMs: 1_000,
      refreshAheadMs: aheadMs,
    });
    return { client, cache, manager: createSecretManager(provider, { cache }) };
  }),
);
const admin = await createClient({ url }).connect();
for (const { manager } of members) await manager.getSecret('prod/db');
await admin.sendCommand(['CONFIG', 'RESETSTAT']);
providerCalls = 0;
let reads = 0;
let waited = 0;
const end = Date.now() + 6_000;
await Promise.all(
  members.map(async ({ manager }) => {
    while (Date.now() < end) {
      const started = performance.now();
      await manager.getSecret('prod/db');
      if (performance.now() - started >= 25) waited++;
      reads++;
      await sleep(10);
    }
  }),
);
const stats = String(await admin.sendCommand(['INFO', 'commandstats']));
// Round trips: the scripts the fleet ran (every tier operation is one); commands: everything Redis executed,
// the commands inside those scripts included.
let commands = 0;
let roundTrips = 0;
for (const match of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
  if (['info', 'config|resetstat', 'config'].includes(match[1]!)) continue;
  commands += Number(match[2]);
  if (match[1] === 'evalsha' || match[1] === 'eval') roundTrips += Number(match[2]);
}
if (process.env.BENCH_DETAIL) console.log(stats);
console.log(
  JSON.stringify({
    refreshAheadMs: aheadMs,
    reads,
    waitedForProvider: waited,
    providerCalls,
    redisRoundTrips: roundTrips,
    redisCommands: commands,
  }),
);
for (const { cache, client } of members) {
  await cache.close();
  client.destroy();
}
admin.destroy();
await server.stop();
