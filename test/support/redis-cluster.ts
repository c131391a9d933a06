import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killRedis, launchOnFreePort, launchRedis } from './redis-server.js';

const run = promisify(execFile);

/** One `redis-server` of a test cluster. */
export interface ClusterNode {
  readonly port: number;
  /** Kills it (SIGKILL), as a crash would; its replica takes over after `nodeTimeoutMs`. */
  kill(): Promise<void>;
  /** Starts it again on its port with its cluster state: it rejoins, as a replica when it was replaced. */
  restart(): Promise<void>;
  /** True while its process runs. */
  readonly alive: boolean;
}

/** A Redis Cluster of three primaries and three replicas on loopback, started for tests. */
export interface RedisCluster {
  /** Every node, primaries first as created (a node's role changes after a failover: ask {@link roleOf}). */
  readonly nodes: readonly ClusterNode[];
  /** `{ host, port }` of every node, for `createCluster({ rootNodes })` / `new Cluster([...])`. */
  readonly rootNodes: readonly { host: string; port: number }[];
  /** The cluster's node timeout: how long a dead primary goes unnoticed before its replica is promoted. */
  readonly nodeTimeoutMs: number;
  /** Sends one command with redis-cli to the node on `port` (no redirections followed); the raw output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The port of the primary that serves `slot` now, as the live nodes see it. */
  primaryOf(slot: number): Promise<number>;
  /** The port of the node that serves keys like `key`. */
  slotOf(key: string): Promise<number>;
  /** Waits until every live node reports `cluster_state:ok`. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 1_000;

function launchNode(root: string, port: number): Promise<ChildProcess> {
  const dir = join(root, String(port));
  mkdirSync(dir, { recursive: true });
  return launchRedis(dir, [
    '--port',
    String(port),
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, 'nodes.conf'),
    '--cluster-node-timeout',
    String(NODE_TIMEOUT_MS),
    '--repl-diskless-sync-delay',
    '0',
  ]);
}

/**
 * Starts six `redis-server --cluster-enabled yes` on free ports in a temporary folder, joins them with
 * `redis-cli --cluster create … --cluster-replicas 1`, and waits for `cluster_state:ok` on every node.
 * @example
 *   const cluster = await startRedisCluster();
 *   const client = await createCluster({ rootNodes: cluster.rootNodes.map((n) => ({ url: `redis://127.0.0.1:${n.port}` })) }).connect();
 *   await cluster.stop();
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const root = mkdtempSync(join(tmpdir(), 'secret-refs-cluster-'));
  const started: { port: number; child: ChildProcess | undefined }[] = [];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
  const stop = async (): Promise<void> => {
    await Promise.all(
      started.map(async (node) => {
        const child = node.child;
        node.child = undefined;
        if (child) await killRedis(child);
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 6; i++) started.push(await launchOnFreePort((port) => launchNode(root, port)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...started.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const live = () => started.filter((node) => node.child !== undefined);
  const primaryOf = async (slot: number): Promise<number> => {
    for (const node of live()) {
      // CLUSTER NODES: `<id> <ip:port@bus> <flags> <primary id> <ping> <pong> <epoch> <link> <slot ranges…>`.
      const out = await cli(node.port, 'CLUSTER', 'NODES').catch(() => '');
      for (const line of out.split('\n')) {
        const [, address, flags, , , , , link, ...ranges] = line.trim().split(' ');
        if (!address || !flags?.includes('master') || flags.includes('fail') || link !== 'connected')
          continue;
        const serves = ranges.some((range) => {
          const [from, to = from] = range.split('-').map(Number);
          return slot >= from! && slot <= to!;
        });
        if (serves) return Number(address.split('@')[0]!.split(':')[1]);
      }
    }
    throw new Error(`no live primary serves slot ${slot}`);
  };
  const cluster: RedisCluster = {
    nodes: started.map((node) => ({
      port: node.port,
      get alive() {
        return node.child !== undefined;
      },
      async kill() {
        const child = node.child;
        node.child = undefined;
        if (child) await killRedis(child);
      },
      async restart() {
        if (node.child) return;
        node.child = await launchNode(root, node.port);
      },
    })),
    rootNodes: started.map((node) => ({ host: '127.0.0.1', port: node.port })),
    nodeTimeoutMs: NODE_TIMEOUT_MS,
    cli,
    primaryOf,
    async slotOf(key) {
      return Number((await cli(live()[0]!.port, 'CLUSTER', 'KEYSLOT', key)).trim());
    },
    async waitUntilOk(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          live().map((node) => cli(node.port, 'CLUSTER', 'INFO').catch(() => '')),
        );
        if (states.every((state) => state.includes('cluster_state:ok'))) return;
        if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
  try {
    await cluster.waitUntilOk();
    // A replica that never finished its first sync refuses to take over: wait until every one has.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(started.map((node) => cli(node.port, 'INFO', 'replication')));
      const primaries = infos.filter((info) => info.includes('role:master'));
      if (primaries.length === 3 && primaries.every((info) => /slave0:.*state=online/.test(info))) break;
      if (Date.now() > deadline) throw new Error('the replicas did not finish their first sync');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return cluster;
}
