import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import type { Flavour } from './helpers.js';

/** Where a test cluster's nodes listen. */
export type RootNodes = readonly { host: string; port: number }[];

/**
 * A cluster client of `flavour`, made as a user would with the library's defaults (only an `error` listener, which
 * every long-lived client needs), connected.
 */
export async function connectClusterClient(
  flavour: Flavour,
  rootNodes: RootNodes,
  user?: { username: string; password: string },
): Promise<unknown> {
  if (flavour === 'ioredis') {
    const client = new Cluster(
      rootNodes.map((node) => ({ ...node })),
      user ? { redisOptions: user } : {},
    );
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('end', () => reject(new Error('ioredis cluster ended')));
    });
    return client;
  }
  const client = createCluster({
    rootNodes: rootNodes.map((node) => ({ url: `redis://${node.host}:${node.port}` })),
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Closes a cluster client of either flavour. */
export function closeClusterClient(client: unknown): void {
  try {
    if (client instanceof Cluster) client.disconnect();
    else (client as { destroy(): void }).destroy();
  } catch {
    // already closed
  }
}

/** One Redis Cluster for the file (three primaries, three replicas), started before its tests and stopped after. */
export function useRedisCluster(): () => RedisCluster {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the Redis cluster is not running');
    return cluster;
  };
}
