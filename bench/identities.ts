/**
 * The cost of one bus invalidation in a process that has seen many provider identities (tenants), and its heap.
 * Starts a redis-server, one cache shared by N managers (one tenant each, one secret read each), then times how
 * long one `invalidateSecret` from another process keeps this one busy, and prints the heap after N more tenants.
 *
 *   node --expose-gc --import tsx bench/identities.ts [tenants=10000]
 */
import { createClient } from 'redis';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../src/provider/memory.js';
import { createRedisSecretCache } from '../src/redis/index.js';
import { startRedisServer } from '../test/support/redis-server.js';

const tenants = Number(process.argv[2] ?? 10_000);
const encryptionKey = Buffer.alloc(32, 7).toString('base64');
const server = await startRedisServer();
const connect = async () => {
  const client = createClient({ url: server.url });
  client.on('error', () => {});
  await client.connect();
  return client;
};
const [mine, theirs] = [await connect(), await connect()];
const cache = createRedisSecretCache({ client: mine, encryptionKey, namespace: 'bench' });
const operator = createRedisSecretCache({ client: theirs, encryptionKey, namespace: 'bench' });
while (!cache.isListening() || !operator.isListening()) await new Promise((r) => setTimeout(r, 5));

const heap = () => {
  globalThis.gc?.();
  return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1);
};
const tenantsRead = async (from: number, count: number) => {
  for (let start = from; start < from + count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, from + count - start) }, async (_, offset) => {
        const provider = createMemoryProvider({ 'app/db': 'pw' }, { identity: `tenant-${start + offset}` });
        await createSecretManager(provider, { cache }).getSecret('app/db');
      }),
    );
  }
};

console.log(`heap before: ${heap()} MiB`);
const t = performance.now();
await tenantsRead(0, tenants);
console.log(`reads took ${(performance.now() - t).toFixed(0)} ms`);
console.log(`${tenants} tenants seen, heap ${heap()} MiB`);
// One invalidation from another process: how long does this process's event loop stay busy with it?
await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the reads' commits and fill messages settle
const stalls: number[] = [];
for (let round = 0; round < 3; round++) {
  let heard!: () => void;
  const arrived = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const started = performance.now();
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await operator.invalidateSecret(`other/${round}`).catch((error: Error) => console.log(error.message));
  setTimeout(heard, 50);
  await arrived;
  clearInterval(ticker);
  stalls.push(longest);
  void started;
}
console.log(
  `longest event-loop stall around one invalidation: ${stalls.map((s) => s.toFixed(1)).join(', ')} ms`,
);
await tenantsRead(tenants, tenants);
console.log(`${2 * tenants} tenants seen, heap ${heap()} MiB`);
await cache.close();
await operator.close();
mine.destroy();
theirs.destroy();
await server.stop();
