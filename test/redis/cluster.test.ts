import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import type { SharedInvalidation } from '../../src/cache/tier.js';
import { runCli } from '../../src/cli/cli.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache, type RedisSecretCache } from '../../src/redis/index.js';
import { makeIo } from '../cli/helpers.js';
import { closeClusterClient, connectClusterClient, useRedisCluster } from './cluster-helpers.js';
import { type Member, startMember } from './fleet.js';
import { FLAVOURS, type Flavour, KEY_A, until } from './helpers.js';

const cluster = useRedisCluster();

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

interface ClusterCache {
  cache: RedisSecretCache;
  heard: SharedInvalidation[];
  client: unknown;
  close(): Promise<void>;
}

async function clusterCache(flavour: Flavour, namespace: string, over?: unknown): Promise<ClusterCache> {
  const client = over ?? (await connectClusterClient(flavour, cluster().rootNodes));
  const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace });
  const heard: SharedInvalidation[] = [];
  cacheStoreOf(cache)?.tier?.onInvalidate((message) => heard.push(message));
  await until(() => cache.isListening(), 10_000);
  return {
    cache,
    heard,
    client,
    async close() {
      await cache.close();
      // A cache made over another's client leaves it to that cache.
      if (over === undefined) closeClusterClient(client);
    },
  };
}

/** Whether `made` heard an invalidation of `secretId` itself (not a drop of everything, as a lost subscription is). */
const heardSecret = (made: ClusterCache, secretId: string): boolean =>
  made.heard.some(
    (message) => message.matches(secretId, undefined) && !message.matches('never/read', undefined),
  );

/** Subscribers of the channel of `namespace` over sharded pub/sub, summed over the live nodes. */
async function shardSubscribers(namespace: string): Promise<number> {
  let sum = 0;
  for (const node of cluster().nodes.filter((n) => n.alive)) {
    const reply = await cluster().cli(node.port, 'PUBSUB', 'SHARDNUMSUB', `secret-refs:{${namespace}}:bus`);
    sum += Number(reply.trim().split('\n')[1]);
  }
  return sum;
}

function countingProvider(secrets: Record<string, string>) {
  const calls = { fetched: 0 };
  const provider = createMemoryProvider(secrets, {
    identity: 'cluster-test',
    onCall: (call) => {
      calls.fetched += call.locators.length;
    },
  });
  return { provider, calls };
}

/** Every key of the namespace, by the port of the node that holds it. */
async function keysByNode(namespace: string): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const node of cluster().nodes.filter((n) => n.alive)) {
    const role = await cluster().cli(node.port, 'ROLE');
    if (!role.startsWith('master')) continue;
    const keys = (await cluster().cli(node.port, '--scan', '--pattern', `secret-refs:{${namespace}}:*`))
      .split('\n')
      .filter(Boolean);
    if (keys.length > 0) out.set(node.port, keys);
  }
  return out;
}

describe.each(FLAVOURS)('the Redis tier on a Redis Cluster, over %s', (flavour) => {
  const open: ClusterCache[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((made) => made.close()));
  });

  it("shares values between processes, keeps every key of a namespace on the one node of its slot, and invalidates over the shard's channel", async () => {
    const namespace = `one-slot-${flavour}`;
    const [a, b] = [await clusterCache(flavour, namespace), await clusterCache(flavour, namespace)];
    open.push(a, b);
    const secrets = { 'prod/db': 'pw-1', 'prod/api': 'key-1' };
    const first = countingProvider(secrets);
    const second = countingProvider(secrets);
    const managerA = createSecretManager(first.provider, { cache: a.cache });
    const managerB = createSecretManager(second.provider, { cache: b.cache });

    expect(await managerA.getSecret('prod/db')).toBe('pw-1');
    expect(await managerA.getSecret('prod/api')).toBe('key-1');
    await until(async () => (await keysByNode(namespace)).size > 0);
    expect(await managerB.getSecret('prod/db')).toBe('pw-1');
    expect(await managerB.getSecret('prod/api')).toBe('key-1');
    expect(first.calls.fetched).toBe(2);
    expect(second.calls.fetched).toBe(0);

    const slot = await cluster().slotOf(`secret-refs:{${namespace}}:bus`);
    const owner = await cluster().primaryOf(slot);
    const byNode = await keysByNode(namespace);
    expect([...byNode.keys()]).toStrictEqual([owner]);
    expect(byNode.get(owner)!.length).toBeGreaterThanOrEqual(5); // gen, two entries, their indexes
    // Sharded pub/sub on the shard, nothing on the classic (cluster-wide) channel.
    const channel = `secret-refs:{${namespace}}:bus`;
    let sharded = 0;
    for (const node of cluster().nodes.filter((n) => n.alive)) {
      const [, count] = (await cluster().cli(node.port, 'PUBSUB', 'SHARDNUMSUB', channel)).trim().split('\n');
      sharded += Number(count);
      const [, classic] = (await cluster().cli(node.port, 'PUBSUB', 'NUMSUB', channel)).trim().split('\n');
      expect(Number(classic)).toBe(0);
    }
    expect(sharded).toBe(2);

    second.provider.setSecret('prod/db', 'pw-2');
    first.provider.setSecret('prod/db', 'pw-2');
    managerA.invalidate('prod/db');
    await until(() => b.heard.length > 0);
    expect(await managerB.getSecret('prod/db')).toBe('pw-2');
    expect(unhandled).toStrictEqual([]);
  });
});

describe.each(FLAVOURS)('tiers over one cluster client, over %s', (flavour) => {
  it('share one shard subscriber connection: each hears the invalidations, one closing leaves the others, the last closes it', async () => {
    const namespace = `shared-sub-${flavour}`;
    const a = await clusterCache(flavour, namespace);
    const [b, c] = [
      await clusterCache(flavour, namespace, a.client),
      await clusterCache(flavour, namespace, a.client),
    ];
    const operator = await clusterCache(flavour, namespace);
    const { provider } = countingProvider({ 'prod/db': 'pw-1' });
    expect(await createSecretManager(provider, { cache: a.cache }).getSecret('prod/db')).toBe('pw-1');
    expect(await shardSubscribers(namespace)).toBe(2); // the three tiers' one, the operator's

    expect(await operator.cache.invalidateSecret('prod/db')).toMatchObject({ processes: 1, keyInUse: 'yes' });
    await until(() => [a, b, c].every((made) => heardSecret(made, 'prod/db')));

    await b.cache.close();
    await a.cache.close();
    expect(c.cache.isListening()).toBe(true);
    expect(await shardSubscribers(namespace)).toBe(2);
    await operator.cache.invalidateSecret('prod/api');
    await until(() => heardSecret(c, 'prod/api'));
    expect(heardSecret(a, 'prod/api')).toBe(false);

    await c.cache.close();
    await until(async () => (await shardSubscribers(namespace)) === 1);
    await operator.close();
    await until(async () => (await shardSubscribers(namespace)) === 0);
    closeClusterClient(a.client);
    expect(unhandled).toStrictEqual([]);
  }, 30_000);
});

/** The ACL docs/redis-cluster.md recommends for a cluster. */
const ACL_COMMANDS = [
  'evalsha eval ping hello info readonly',
  'ssubscribe sunsubscribe spublish cluster|keyslot cluster|slots cluster|shards cluster|nodes cluster|info',
  'get set del pttl pexpire hget hset hsetnx hincrby sadd smembers zadd zcard zrange zrangebyscore zremrangebyrank strlen mget exists hexists',
].join(' ');

describe('secret-refs cache clear on a Redis Cluster', () => {
  it('given any node, clears the secret on the node of its slot and tells the listening processes', async () => {
    const namespace = 'cluster-clear';
    const { provider, calls } = countingProvider({ 'prod/db': 'pw-db' });
    const made = await clusterCache('node-redis', namespace);
    const manager = createSecretManager(provider, { cache: made.cache });
    await manager.getSecret('prod/db');
    const holders = await keysByNode(namespace);
    expect(holders.size).toBe(1);
    const [owner] = [...holders.keys()];
    const other = cluster().nodes.find((node) => node.alive && node.port !== owner)!;
    const io = makeIo({ env: { SECRET_REFS_CACHE_KEY: KEY_A } });
    const code = await runCli(
      [
        'cache',
        'clear',
        'prod/db',
        '--namespace',
        namespace,
        '--redis-url',
        `redis://127.0.0.1:${other.port}`,
      ],
      io.io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(
      /cleared prod\/db in namespace cluster-clear: [1-9]\d* entr(y|ies) removed from Redis .*1 listening process told/,
    );
    await until(() => made.heard.length > 0);
    const entries = [...(await keysByNode(namespace)).values()].flat().filter((key) => key.includes(':e:'));
    expect(entries).toEqual([]);
    await manager.getSecret('prod/db');
    expect(calls.fetched).toBe(2);
    await made.close();
  });
});

describe('under a Redis ACL limited to the namespace, on a Redis Cluster', () => {
  it('the tier works for both clients', async () => {
    const rules = ['on', '>acl-password', '~secret-refs:{acl}:*', '&secret-refs:{acl}:bus', '-@all'];
    for (const node of cluster().nodes.filter((n) => n.alive)) {
      await cluster().cli(
        node.port,
        'ACL',
        'SETUSER',
        'worker',
        ...rules,
        ...ACL_COMMANDS.split(' ').map((c) => `+${c}`),
      );
    }
    const user = { username: 'worker', password: 'acl-password' };
    const clients = await Promise.all(
      FLAVOURS.map((flavour) => connectClusterClient(flavour, cluster().rootNodes, user)),
    );
    const caches = clients.map((client) =>
      createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: 'acl' }),
    );
    try {
      await until(() => caches.every((cache) => cache.isListening()), 10_000);
      const { provider, calls } = countingProvider({ db: 'v1' });
      const [one, two] = caches.map((cache) => createSecretManager(provider, { cache }));
      expect(await one!.getSecret('db')).toBe('v1');
      await until(async () => {
        const before = calls.fetched;
        expect(await two!.getSecret('db')).toBe('v1');
        return calls.fetched === before;
      });
      let heard = 0;
      cacheStoreOf(caches[0]!)?.tier?.onInvalidate(() => heard++);
      two!.invalidate('db');
      await until(() => heard > 0);
    } finally {
      await Promise.all(caches.map((cache) => cache.close()));
      for (const client of clients) closeClusterClient(client);
    }
  });
});

describe('a fleet of processes on a Redis Cluster', () => {
  const members: Member[] = [];
  afterEach(async () => {
    await Promise.all(members.splice(0).map((member) => member.exit()));
  });

  it('reads each secret from the provider about once for the whole fleet, both clients mixed, and hears one invalidation everywhere', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`fleet/s${i}`, `v${i}`]));
    const ids = Object.keys(secrets);
    const started = await Promise.all(
      (['node-redis', 'ioredis', 'node-redis'] as const).map((flavour) =>
        startMember({
          url: '',
          cluster: cluster().rootNodes,
          flavour,
          namespace: 'fleet',
          secrets,
          latencyMs: 30,
          encryptionKey: KEY_A,
        }),
      ),
    );
    members.push(...started);
    const answers = await Promise.all(
      members.map((member) => member.ask<{ values: string[]; fetched: number }>({ op: 'read', ids })),
    );
    for (const answer of answers) expect(answer.values).toStrictEqual(ids.map((id) => secrets[id]));
    const fetched = answers.reduce((sum, answer) => sum + answer.fetched, 0);
    expect(fetched).toBeLessThanOrEqual(ids.length * 2);

    for (const member of members) await member.ask({ op: 'set', id: 'fleet/s0', value: 'rotated' });
    await members[1]!.ask({ op: 'invalidate', id: 'fleet/s0' });
    await until(async () => {
      const reads = await Promise.all(
        members.map((member) => member.ask<{ values: string[] }>({ op: 'read', ids: ['fleet/s0'] })),
      );
      return reads.every((read) => read.values[0] === 'rotated');
    }, 5_000);
  }, 60_000);
});

describe('a reshard on a Redis Cluster', () => {
  it("moving the namespace's slot to another primary keeps values shared and invalidations heard, both clients", async () => {
    const namespace = 'reshard';
    const { provider, calls } = countingProvider({ 'rs/db': 'pw-1' });
    const readers = await Promise.all(
      FLAVOURS.map(async (flavour) => {
        const made = await clusterCache(flavour, namespace);
        return { ...made, manager: createSecretManager(provider, { cache: made.cache }) };
      }),
    );
    const [a, b] = readers as [(typeof readers)[0], (typeof readers)[0]];
    // A second tier over each reader's client: it listens through the reader's shard subscriber, which moves for both.
    const sharing = await Promise.all(
      readers.map((reader, i) => clusterCache(FLAVOURS[i]!, namespace, reader.client)),
    );
    expect(await shardSubscribers(namespace)).toBe(2);
    expect(await a.manager.getSecret('rs/db')).toBe('pw-1');
    expect(await b.manager.getSecret('rs/db')).toBe('pw-1');
    expect(calls.fetched).toBe(1);

    // Move the slot by hand, as `redis-cli --cluster reshard` does: importing, migrating, keys over, then owner.
    const slot = await cluster().slotOf(`secret-refs:{${namespace}}:gen`);
    const from = await cluster().primaryOf(slot);
    const primaries: number[] = [];
    for (const node of cluster().nodes.filter((n) => n.alive)) {
      if ((await cluster().cli(node.port, 'ROLE')).startsWith('master')) primaries.push(node.port);
    }
    const to = primaries.find((port) => port !== from)!;
    const idOf = async (port: number) => (await cluster().cli(port, 'CLUSTER', 'MYID')).trim();
    const [fromId, toId] = [await idOf(from), await idOf(to)];
    await cluster().cli(to, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
    await cluster().cli(from, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
    for (let round = 0; round < 50; round++) {
      const keys = (await cluster().cli(from, 'CLUSTER', 'GETKEYSINSLOT', String(slot), '100'))
        .split('\n')
        .filter(Boolean);
      if (keys.length === 0) break;
      const moved = await cluster().cli(
        from,
        'MIGRATE',
        '127.0.0.1',
        String(to),
        '',
        '0',
        '5000',
        'KEYS',
        ...keys,
      );
      expect(moved.trim()).toBe('OK');
    }
    for (const port of primaries) await cluster().cli(port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
    expect([...(await keysByNode(namespace)).keys()]).toEqual([to]);

    // Shared still, from the new owner (the in-process copies were dropped when the subscriptions moved).
    const everyTier = [...readers, ...sharing];
    await until(() => everyTier.every((made) => made.cache.isListening()), 10_000);
    for (const made of everyTier) made.heard.length = 0;
    for (const reader of readers) await reader.cache.invalidateSecret('rs/db').catch(() => undefined);
    await until(() => everyTier.every((made) => heardSecret(made, 'rs/db')), 10_000);
    expect(await shardSubscribers(namespace)).toBe(2);
    provider.setSecret('rs/db', 'pw-2');
    await until(async () => (await a.manager.getSecret('rs/db')) === 'pw-2', 10_000);
    const fetched = calls.fetched;
    expect(await b.manager.getSecret('rs/db')).toBe('pw-2');
    expect(calls.fetched).toBe(fetched);
    await Promise.all(sharing.map((made) => made.close()));
    await Promise.all(readers.map((reader) => reader.close()));
  }, 60_000);
});

describe('a failover on a Redis Cluster', () => {
  it('costs each read bounded time and never a wrong value while a primary dies and its replica takes over, and sharing resumes by itself', async () => {
    const namespace = 'failover';
    const secrets: Record<string, string> = { 'fo/db': 'pw-db' };
    for (let i = 0; i < 500; i++) secrets[`fo/after-${i}`] = `after-${i}`;
    const pairs = await Promise.all(
      FLAVOURS.map(async (flavour) => {
        const make = async () => {
          const client = await connectClusterClient(flavour, cluster().rootNodes);
          // A short TTL, so that steady reads keep going to Redis rather than staying in-process.
          const cache = createRedisSecretCache({ client, encryptionKey: KEY_A, namespace, ttlMs: 300 });
          const heard: SharedInvalidation[] = [];
          cacheStoreOf(cache)?.tier?.onInvalidate((message) => heard.push(message));
          const { provider, calls } = countingProvider(secrets);
          const manager = createSecretManager(provider, { cache });
          await until(() => cache.isListening(), 10_000);
          return { cache, client, heard, calls, manager };
        };
        return { flavour, a: await make(), b: await make() };
      }),
    );
    const readers = pairs.flatMap((pair) => [pair.a, pair.b]);
    const slot = await cluster().slotOf(`secret-refs:{${namespace}}:bus`);
    const victimPort = await cluster().primaryOf(slot);
    const victim = cluster().nodes.find((node) => node.port === victimPort)!;

    let reading = true;
    const durations: number[] = [];
    const wrong: string[] = [];
    const loops = readers.map(async (reader) => {
      while (reading) {
        const started = performance.now();
        const value = await reader.manager.getSecret('fo/db');
        durations.push(performance.now() - started);
        if (value !== 'pw-db') wrong.push(value);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fetchedBefore = readers.reduce((sum, reader) => sum + reader.calls.fetched, 0);
    await victim.kill();
    await until(
      async () =>
        (await cluster()
          .primaryOf(slot)
          .catch(() => victimPort)) !== victimPort,
      20_000,
    );
    await cluster().waitUntilOk();
    await until(() => readers.every((reader) => reader.cache.isListening()), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    reading = false;
    await Promise.all(loops);
    const fetchedDuring = readers.reduce((sum, reader) => sum + reader.calls.fetched, 0) - fetchedBefore;

    expect(wrong).toStrictEqual([]);
    // Bounded: at worst a wait on a lease whose holder's commit was lost with the primary (it ends leaseMs, 1.5 s,
    // after its last renewal), the waiter's next look at Redis (at most a lease later while the bus seems up), and
    // one timed-out operation (`operationTimeoutMs`, 900 ms by default): 3.9 s.
    expect(Math.max(...durations), 'the longest read, ms').toBeLessThan(4_250);
    expect(fetchedDuring, 'reads the provider served meanwhile').toBeGreaterThan(0);
    expect(unhandled).toStrictEqual([]);

    // Sharing resumes: a value one process fetched is read by the other from Redis, and invalidations travel.
    for (const { a, b } of pairs) {
      let next = 0;
      await until(async () => {
        const id = `fo/after-${next++}`;
        await a.manager.getSecret(id);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const before = b.calls.fetched;
        expect(await b.manager.getSecret(id)).toBe(secrets[id]);
        return b.calls.fetched === before;
      }, 15_000);
      b.heard.length = 0;
      a.manager.invalidate('fo/db');
      await until(() => b.heard.length > 0, 5_000);
    }
    for (const reader of readers) {
      await reader.cache.close();
      closeClusterClient(reader.client);
    }
    await victim.restart();
    await cluster().waitUntilOk();
  }, 90_000);
});
