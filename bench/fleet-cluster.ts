/**
 * The fleet at scale: 1,000 managers × 200 secrets against the local Secrets Manager endpoint (20 ms a call), on a
 * Redis Cluster (three primaries, three replicas) and on a single redis-server. Cold start at once (AWS reads, time
 * to the first value, Redis round trips per resolve, Redis memory per entry), one invalidation reaching all 1,000,
 * steady state at a stated read rate (Redis commands/s, AWS reads per TTL) and, on the cluster, a failover during
 * the steady state. Runs alone with `npx tsx bench/fleet-cluster.ts`; `BENCH_ONLY=fleet-cluster npm run bench`.
 *
 * 1,000 managers are 4 processes × 250 (2 cores bear no more processes usefully). Each manager has its own cache
 * (its own in-process tier); the managers of a process share its one AWS provider (which caches nothing itself).
 * `FLEET_SHARING` says whose Redis client a cache is given: `process` (the default), the one client of its process,
 * whose one subscription every tier over it shares, as a service holding many managers in one process has;
 * `manager`, a client per manager (its own command and subscriber connections: 1,000 subscribers, as 1,000 separate
 * workers would have). The default is `process` because two cores cannot stand in for 1,000 workers' cores: with a
 * connection per manager, each process receives and parses every bus message 250 times, and that is what the
 * `manager` figures measure, not the work of one worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { type LocalSecretsManager, startLocalSecretsManager } from '../src/testing/index.js';
import { type RedisCluster, startRedisCluster } from '../test/support/redis-cluster.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { figure, type ScenarioResult } from './report.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROCESSES = Number(process.env.FLEET_PROCESSES ?? 4);
const MANAGERS = Number(process.env.FLEET_MANAGERS ?? 1_000);
const SECRETS = 200;
const LATENCY_MS = 20;
const TTL_MS = 15_000;
const STEADY_MS = Number(process.env.FLEET_STEADY_MS ?? 30_000);
const READ_EVERY_MS = 1_000;
const PER_READ = 10;
const INVALIDATIONS = Number(process.env.FLEET_INVALIDATIONS ?? 5);
/** The tier's bound on a Redis operation (the library's default when unset); a machine under heavy load may need more. */
const OPERATION_TIMEOUT_MS = process.env.FLEET_OP_TIMEOUT_MS
  ? Number(process.env.FLEET_OP_TIMEOUT_MS)
  : undefined;
const SHARING = process.env.FLEET_SHARING === 'manager' ? 'manager' : 'process';
const IDS = Array.from({ length: SECRETS }, (_, index) => `bench/fleet1k/secret-${index}`);
const WORKER = fileURLToPath(new URL('./fleet-cluster-worker.ts', import.meta.url));

interface Worker {
  ask<T>(command: object): Promise<T>;
  exit(): Promise<void>;
}

async function startWorker(setup: object): Promise<Worker> {
  // FLEET_CPU_PROF=<folder>: each worker writes a V8 CPU profile there when it exits.
  const profile = process.env.FLEET_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FLEET_CPU_PROF}`]
    : [];
  const args = [...profile, '--import', 'tsx', WORKER, JSON.stringify(setup)];
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const waiting: ((message: unknown) => void)[] = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const next = (): Promise<unknown> => new Promise((resolve) => waiting.push(resolve));
  await next();
  return {
    ask<T>(command: object) {
      const answer = next() as Promise<T>;
      child.send(command);
      return answer;
    },
    async exit() {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** INFO figures and key memory, summed over the nodes `ports` names (the primaries that hold the namespace). */
interface RedisProbe {
  commands(): Promise<number>;
  /** INFO commandstats summed over the nodes: calls per command (commands run inside scripts included). */
  commandStats(): Promise<Map<string, number>>;
  /** MEMORY USAGE summed over the keys matching `pattern`, and how many of them are entries. */
  keyBytes(pattern: string): Promise<{ bytes: number; entries: number }>;
}

const nodeClient = (port: number) => createClient({ url: `redis://127.0.0.1:${port}` });

function probe(ports: () => Promise<number[]>): RedisProbe {
  /** Runs `ask` on a fresh connection to each node in turn; a node that is down adds nothing. */
  const eachNode = async (ask: (client: ReturnType<typeof nodeClient>) => Promise<void>): Promise<void> => {
    for (const port of await ports()) {
      const client = nodeClient(port);
      client.on('error', () => {});
      try {
        await client.connect();
        await ask(client);
      } catch {
        // a node that is down counts nothing
      } finally {
        client.destroy();
      }
    }
  };
  return {
    async commands() {
      let sum = 0;
      await eachNode(async (client) => {
        const text = String(await client.sendCommand(['INFO', 'stats']));
        sum += Number(/total_commands_processed:(\d+)/.exec(text)?.[1] ?? 0);
      });
      return sum;
    },
    async commandStats() {
      const calls = new Map<string, number>();
      await eachNode(async (client) => {
        const text = String(await client.sendCommand(['INFO', 'commandstats']));
        for (const [, name, count] of text.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) {
          calls.set(name!, (calls.get(name!) ?? 0) + Number(count));
        }
      });
      return calls;
    },
    async keyBytes(pattern) {
      let bytes = 0;
      let entries = 0;
      await eachNode(async (client) => {
        for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1_000 })) {
          for (const key of keys) {
            bytes += Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
            if (key.includes(':e:')) entries++;
          }
        }
      });
      return { bytes, entries };
    },
  };
}

/**
 * FLEET_COMMANDSTATS=1: prints, per phase, the Redis commands by kind (INFO commandstats, commands inside scripts
 * included), divided by `per` (resolves at a cold start, seconds in the steady state).
 */
const COMMAND_STATS = process.env.FLEET_COMMANDSTATS === '1';
async function printCommandKinds(
  label: string,
  redis: RedisProbe,
  before: Map<string, number> | undefined,
  per: number,
): Promise<void> {
  if (!before) return;
  const after = await redis.commandStats();
  const kinds = [...after]
    .map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / per] as const)
    .filter(([name, calls]) => calls > 0 && name !== 'info' && name !== 'memory|usage' && name !== 'scan')
    .sort((a, b) => b[1] - a[1]);
  console.error(`${label}: ${kinds.map(([name, calls]) => `${name} ${calls.toFixed(1)}`).join(', ')}`);
}

interface Figures {
  topology: string;
  awsCalls: number;
  awsReads: number;
  coldP50: number;
  coldP99: number;
  failedManagers: number;
  /** The codes of the failed secret results at cold start, counted. */
  coldErrors: Record<string, number>;
  commandsPerResolve: number;
  bytesPerEntry: number;
  reachP50: number;
  reachP99: number;
  reachSamples: number;
  steadyCommandsPerSecond: number;
  steadyReadsPerSecond: number;
  awsReadsPerTtl: number;
  steadyMax: number;
  failover?: { longest: number; awsReads: number; reads: number; failed: number };
}

async function runTopology(
  sm: LocalSecretsManager,
  topology: 'cluster' | 'single',
  encryptionKey: string,
): Promise<Figures> {
  let cluster: RedisCluster | undefined;
  let single: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  if (topology === 'cluster') cluster = await startRedisCluster();
  else single = await startRedisServer();
  const namespace = `fleet1k-${topology}`;
  const slotPrimary = async (): Promise<number[]> => {
    if (!cluster) return [single!.port];
    const slot = await cluster.slotOf(`secret-refs:{${namespace}}:gen`);
    return [await cluster.primaryOf(slot)];
  };
  const allPrimaries = async (): Promise<number[]> => {
    if (!cluster) return [single!.port];
    const ports: number[] = [];
    for (const node of cluster.nodes.filter((n) => n.alive)) {
      if ((await cluster.cli(node.port, 'ROLE')).startsWith('master')) ports.push(node.port);
    }
    return ports;
  };
  const redis = probe(allPrimaries);
  const owner = probe(slotPrimary);
  const setup = {
    managers: Math.ceil(MANAGERS / PROCESSES),
    ...(cluster ? { rootNodes: cluster.rootNodes } : { redisUrl: single!.url }),
    endpoint: sm.endpoint,
    region: sm.region,
    ...sm.credentials,
    encryptionKey,
    namespace,
    ttlMs: TTL_MS,
    operationTimeoutMs: OPERATION_TIMEOUT_MS,
    sharing: SHARING,
  };
  const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(setup)));
  try {
    // Cold start, every manager at once.
    sm.resetRequests();
    const kindsBefore = COMMAND_STATS ? await redis.commandStats() : undefined;
    const commandsBefore = await redis.commands();
    const coldAnswers = await Promise.all(
      workers.map((worker) =>
        worker.ask<{ durations: number[]; errors: Record<string, number> }>({ op: 'cold', ids: IDS }),
      ),
    );
    const cold = coldAnswers.flatMap((answer) => answer.durations);
    const coldErrors: Record<string, number> = {};
    for (const answer of coldAnswers) {
      for (const [code, count] of Object.entries(answer.errors))
        coldErrors[code] = (coldErrors[code] ?? 0) + count;
    }
    const commandsAfter = await redis.commands();
    await printCommandKinds(`${topology} cold start, per resolve`, redis, kindsBefore, cold.length);
    const stored = await owner.keyBytes(`secret-refs:{${namespace}}:*`);
    const secretCalls = sm.requests.filter((request) => request.action.includes('SecretValue'));
    const ok = cold.filter((ms) => ms >= 0);

    // One invalidation reaching all 1,000, several times.
    const delays: number[] = [];
    for (let round = 0; round < INVALIDATIONS; round++) {
      await Promise.all(workers.map((worker) => worker.ask({ op: 'arm' })));
      const { sent } = await workers[round % workers.length]!.ask<{ sent: number }>({
        op: 'invalidate',
        id: IDS[round]!,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const heard = await Promise.all(
        workers.map((worker) => worker.ask<{ heard: number[] }>({ op: 'heard' })),
      );
      const times = heard.flatMap((answer) => answer.heard);
      for (const time of times) delays.push(time - sent);
      // Per message: the first of a run costs each process more (its code not yet optimised, see docs/redis-cluster.md).
      const these = times.map((time) => time - sent);
      console.error(
        `${topology} invalidation ${round}: p50 ${percentile(these, 50).toFixed(1)} ms, p99 ${percentile(these, 99).toFixed(1)} ms, heard by ${these.length}`,
      );
      for (let missing = times.length; missing < setup.managers * PROCESSES; missing++) {
        delays.push(Number.POSITIVE_INFINITY);
      }
    }

    // Steady state: every manager resolves PER_READ secrets every READ_EVERY_MS.
    sm.resetRequests();
    const steadyKindsBefore = COMMAND_STATS ? await redis.commandStats() : undefined;
    const steadyBefore = await redis.commands();
    const steady = await Promise.all(
      workers.map((worker) =>
        worker.ask<{ reads: number; max: number; failed: number }>({
          op: 'steady',
          ids: IDS,
          perRead: PER_READ,
          everyMs: READ_EVERY_MS,
          forMs: STEADY_MS,
        }),
      ),
    );
    const steadyCommands = (await redis.commands()) - steadyBefore;
    await printCommandKinds(`${topology} steady, per second`, redis, steadyKindsBefore, STEADY_MS / 1_000);
    const steadyAws = sm.requests
      .filter((request) => request.action.includes('SecretValue'))
      .reduce((sum, request) => sum + request.secretIds.length, 0);

    // A failover during the steady state (cluster only): the slot's primary is killed 2 s into 12 s of reads.
    let failover: Figures['failover'];
    if (cluster) {
      sm.resetRequests();
      const reads = Promise.all(
        workers.map((worker) =>
          worker.ask<{ reads: number; max: number; failed: number }>({
            op: 'steady',
            ids: IDS,
            perRead: PER_READ,
            everyMs: READ_EVERY_MS,
            forMs: 12_000,
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const [victimPort] = await slotPrimary();
      await cluster.nodes.find((node) => node.port === victimPort)?.kill();
      const answers = await reads;
      failover = {
        longest: Math.max(...answers.map((answer) => answer.max)),
        reads: answers.reduce((sum, answer) => sum + answer.reads, 0),
        failed: answers.reduce((sum, answer) => sum + answer.failed, 0),
        awsReads: sm.requests
          .filter((request) => request.action.includes('SecretValue'))
          .reduce((sum, request) => sum + request.secretIds.length, 0),
      };
    }
    const steadyReads = steady.reduce((sum, answer) => sum + answer.reads, 0);
    return {
      topology,
      awsCalls: secretCalls.length,
      awsReads: secretCalls.reduce((sum, request) => sum + request.secretIds.length, 0),
      coldP50: percentile(ok, 50),
      coldP99: percentile(ok, 99),
      failedManagers: cold.length - ok.length,
      coldErrors,
      commandsPerResolve: (commandsAfter - commandsBefore) / cold.length,
      bytesPerEntry: stored.bytes / Math.max(1, stored.entries),
      reachP50: percentile(delays, 50),
      reachP99: percentile(delays, 99),
      reachSamples: delays.length,
      steadyCommandsPerSecond: steadyCommands / (STEADY_MS / 1_000),
      steadyReadsPerSecond: steadyReads / (STEADY_MS / 1_000),
      awsReadsPerTtl: steadyAws / (STEADY_MS / TTL_MS),
      steadyMax: Math.max(...steady.map((answer) => answer.max)),
      failover,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.exit()));
    await cluster?.stop();
    await single?.stop();
  }
}

/** Runs the fleet on both topologies and returns its rows and targets. */
export async function fleetAtScale(): Promise<ScenarioResult> {
  const sm = await startLocalSecretsManager({
    secrets: IDS.map((name) => ({ name, secretString: `value-${randomBytes(6).toString('hex')}` })),
  });
  sm.injectFault({ kind: 'delay', ms: LATENCY_MS, times: Number.POSITIVE_INFINITY });
  const encryptionKey = randomBytes(32).toString('base64');
  try {
    // FLEET_TOPOLOGY=single|cluster runs one of them (the other's column then says "not run").
    const only = process.env.FLEET_TOPOLOGY;
    const clustered = only === 'single' ? undefined : await runTopology(sm, 'cluster', encryptionKey);
    const single = only === 'cluster' ? undefined : await runTopology(sm, 'single', encryptionKey);
    const ms = (value: number) => figure(value, 'ms');
    const row = (measure: string, pick: (f: Figures) => string) => ({
      scenario: `fleet ${MANAGERS}×${SECRETS}, a Redis client per ${SHARING}`,
      measure,
      ours: clustered ? pick(clustered) : 'not run',
      powertools: single ? pick(single) : 'not run',
      ratio: '—',
    });
    const rows = [
      row('cold start: AWS secret reads (calls)', (f) => `${f.awsReads} (${f.awsCalls})`),
      row('cold start: time to first value p50 / p99', (f) => `${ms(f.coldP50)} / ${ms(f.coldP99)}`),
      row('cold start: managers that failed (codes of their failed reads)', (f) =>
        f.failedManagers === 0
          ? '0'
          : `${f.failedManagers} (${Object.entries(f.coldErrors)
              .map(([code, count]) => `${code} ${count}`)
              .join(', ')})`,
      ),
      row('cold start: Redis commands per resolve (200 secrets)', (f) => f.commandsPerResolve.toFixed(1)),
      row('Redis memory per entry, its indexes and log included', (f) => `${Math.round(f.bytesPerEntry)} B`),
      row(
        `one invalidation reaching all ${MANAGERS}: p50 / p99`,
        (f) => `${ms(f.reachP50)} / ${ms(f.reachP99)}`,
      ),
      row(
        `steady: ${PER_READ} secrets per manager every ${READ_EVERY_MS} ms: resolves/s, Redis commands/s`,
        (f) => `${Math.round(f.steadyReadsPerSecond)}, ${Math.round(f.steadyCommandsPerSecond)}`,
      ),
      row(`steady: AWS secret reads per TTL (${TTL_MS / 1_000} s)`, (f) => `${Math.round(f.awsReadsPerTtl)}`),
      row('steady: longest read', (f) => ms(f.steadyMax)),
      row('failover during steady reads: longest read', (f) => (f.failover ? ms(f.failover.longest) : '—')),
      row('failover: AWS secret reads meanwhile / failed reads', (f) =>
        f.failover ? `${f.failover.awsReads} / ${f.failover.failed}` : '—',
      ),
    ];
    const both = [clustered, single].filter((f): f is Figures => f !== undefined);
    return {
      rows,
      targets: [
        {
          name: `fleet of ${MANAGERS} (a Redis client per ${SHARING}): AWS reads at cold start`,
          goal: `≤ 210 (${SECRETS} secrets)`,
          measured: both.map((f) => `${f.topology} ${f.awsReads}`).join(', '),
          pass: both.every((f) => f.awsReads <= 210 && f.failedManagers === 0),
        },
        {
          name: `one invalidation reaches all ${MANAGERS} (a Redis client per ${SHARING})`,
          goal: 'p99 ≤ 100 ms',
          measured: both.map((f) => `${f.topology} p50 ${ms(f.reachP50)}, p99 ${ms(f.reachP99)}`).join('; '),
          pass: both.every((f) => f.reachP99 <= 100),
        },
      ],
      notes: [
        `${MANAGERS} managers = ${PROCESSES} processes × ${Math.ceil(MANAGERS / PROCESSES)}; each manager has its own cache; ${SHARING === 'process' ? 'the managers of a process share its one node-redis client (commands, and one bus subscription for all its tiers)' : 'each manager has its own node-redis client (command and bus subscriber connections)'} (FLEET_SHARING=${SHARING}) and the process's one AWS provider. Local endpoint with ${LATENCY_MS} ms per call; ttlMs ${TTL_MS}, leaseMs 5000, operationTimeoutMs ${OPERATION_TIMEOUT_MS ?? 'the default (900)'} (FLEET_OP_TIMEOUT_MS). "ours" is the cluster (3 primaries + 3 replicas), "powertools" the single server.`,
      ],
    };
  } finally {
    await sm.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await fleetAtScale();
  console.log(`${result.rows[0]?.scenario ?? ''}\nmeasure | cluster | single server`);
  for (const row of result.rows) console.log(`${row.measure} | ${row.ours} | ${row.powertools}`);
  console.log('');
  for (const target of result.targets) {
    console.log(`${target.pass ? 'PASS' : 'MISS'} ${target.name}: ${target.measured} (goal ${target.goal})`);
  }
  for (const note of result.notes ?? []) console.log(note);
}
