/**
 * One process of the 1,000-manager fleet bench (bench/fleet-cluster.ts): many managers, each with its own
 * `createRedisSecretCache` (its own in-process tier) and one AWS provider of the process (the provider keeps no
 * cache: merging and caching are the cache's). `sharing` says whose Redis client a cache is given: `process`, the
 * one client of the process (commands, and one subscription that every tier over it shares, as a process holding
 * many managers would have); `manager`, a client of its own per manager (its own command and subscriber connections,
 * as a separate worker would have). Driven over IPC.
 */
import { createClient, createCluster } from 'redis';
import { cacheStoreOf } from '../src/cache/create-secret-cache.js';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../src/provider/aws/create-aws-provider.js';
import { createRedisSecretCache, type RedisSecretCache } from '../src/redis/index.js';

interface Setup {
  managers: number;
  redisUrl?: string;
  rootNodes?: { host: string; port: number }[];
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  encryptionKey: string;
  namespace: string;
  ttlMs: number;
  operationTimeoutMs: number | undefined;
  sharing: 'process' | 'manager';
}

type Command =
  | { op: 'cold'; ids: string[] }
  | { op: 'arm' }
  | { op: 'invalidate'; id: string }
  | { op: 'heard' }
  | { op: 'steady'; ids: string[]; perRead: number; everyMs: number; forMs: number }
  | { op: 'exit' };

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const now = (): number => performance.timeOrigin + performance.now();
const send = (message: unknown): void => {
  process.send?.(message);
};

const connect = async () => {
  const made = setup.rootNodes
    ? createCluster({
        rootNodes: setup.rootNodes.map((node) => ({ url: `redis://${node.host}:${node.port}` })),
      })
    : createClient({ url: setup.redisUrl });
  made.on('error', () => {});
  await made.connect();
  return made;
};
const clients = [await connect()];
if (setup.sharing === 'manager') {
  for (let more = 1; more < setup.managers; more++) clients.push(await connect());
}
const provider = createAwsProvider({
  region: setup.region,
  endpoint: setup.endpoint,
  accessKeyId: setup.accessKeyId,
  secretAccessKey: setup.secretAccessKey,
});
await provider.testConnection?.();

let heard: number[] = [];
const caches: RedisSecretCache[] = [];
const managers = Array.from({ length: setup.managers }, (_, index) => {
  const cache = createRedisSecretCache({
    client: clients[index % clients.length]!,
    encryptionKey: setup.encryptionKey,
    namespace: setup.namespace,
    ttlMs: setup.ttlMs,
    leaseMs: 5_000,
    ...(setup.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: setup.operationTimeoutMs }),
  });
  caches.push(cache);
  let armed = false;
  const tier = cacheStoreOf(cache)?.tier;
  tier?.onInvalidate(() => {
    if (armed) return;
    armed = true;
    heard.push(now());
  });
  return { manager: createSecretManager(provider, { cache }), rearm: () => (armed = false) };
});
const started = Date.now();
while (caches.some((cache) => !cache.isListening()) && Date.now() - started < 60_000) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

process.on('message', async (command: Command) => {
  switch (command.op) {
    case 'cold': {
      const errors = new Map<string, number>();
      const durations = await Promise.all(
        managers.map(async ({ manager }) => {
          const begun = now();
          const results = await manager.getSecrets(command.ids);
          for (const result of results) {
            if (!result.ok) errors.set(result.error.code, (errors.get(result.error.code) ?? 0) + 1);
          }
          if (results.some((result) => !result.ok)) return -1;
          return now() - begun;
        }),
      );
      send({ durations, errors: Object.fromEntries(errors) });
      return;
    }
    case 'arm':
      heard = [];
      for (const { rearm } of managers) rearm();
      send({ armed: true });
      return;
    case 'invalidate': {
      const sent = now();
      managers[0]!.manager.invalidate(command.id);
      send({ sent });
      return;
    }
    case 'heard':
      send({ heard });
      return;
    case 'steady': {
      // Every manager resolves `perRead` of the ids every `everyMs`, each on its own phase.
      const until = Date.now() + command.forMs;
      const durations: number[] = [];
      let failed = 0;
      await Promise.all(
        managers.map(async ({ manager }, index) => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * command.everyMs));
          let turn = index;
          while (Date.now() < until) {
            const ids = Array.from(
              { length: command.perRead },
              (_, i) => command.ids[(turn * command.perRead + i) % command.ids.length]!,
            );
            turn++;
            const begun = now();
            const results = await manager.getSecrets(ids);
            durations.push(now() - begun);
            failed += results.filter((result) => !result.ok).length;
            await new Promise((resolve) => setTimeout(resolve, command.everyMs));
          }
        }),
      );
      send({ reads: durations.length, max: Math.max(...durations), p99: percentile(durations, 99), failed });
      return;
    }
    case 'exit':
      await Promise.all(caches.map((cache) => cache.close()));
      for (const client of clients) client.destroy();
      process.exit(0);
  }
});
send({ ready: true, listening: caches.filter((cache) => cache.isListening()).length });
