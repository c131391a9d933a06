/**
 * The shared Redis tier, measured with real processes: a fleet cold start (8 processes × 20 secrets against the
 * local Secrets Manager endpoint with 20 ms latency), how fast one invalidation reaches every process, the warm
 * read cost with the tier and without, and what Redis being down costs a read. Runs alone with
 * `npx tsx bench/fleet.ts`; `redisFleet()` gives the same figures to `npm run bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import type { SecretCache } from '../src/cache/create-secret-cache.js';
import { createSecretCache } from '../src/cache/create-secret-cache.js';
import { createSecretManager } from '../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../src/provider/aws/create-aws-provider.js';
import { createRedisSecretCache } from '../src/redis/index.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../src/testing/index.js';
import type { SecretProvider } from '../src/types.js';
import { type RedisServer, startRedisServer } from '../test/support/redis-server.js';
import { interleavedNsPerOp, median } from './measure.js';
import { figure, type ScenarioResult } from './report.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROCESSES = 8;
const SECRETS = 20;
const LATENCY_MS = 20;
const INVALIDATIONS = 60;
const IDS = Array.from({ length: SECRETS }, (_, index) => `bench/fleet/secret-${index}`);
const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

interface Worker {
  ask<T>(command: object): Promise<T>;
  heard: number[];
  exit(): Promise<void>;
}

async function startWorker(setup: object): Promise<Worker> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(setup)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const heard: number[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  child.on('message', (message: { heard?: number }) => {
    if (message.heard !== undefined) heard.push(message.heard);
    else waiting.shift()?.(message);
  });
  const next = (): Promise<unknown> => new Promise((resolve) => waiting.push(resolve));
  await next();
  return {
    heard,
    ask<T>(command: object) {
      const answer = next() as Promise<T>;
      child.send(command);
      return answer;
    },
    async exit() {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'exit' });
      await gone;
    },
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function coldStart(
  sm: LocalSecretsManager,
  redis: RedisServer,
  tier: boolean,
  encryptionKey: string,
): Promise<{ calls: number; secretReads: number; p50: number; max: number; workers: Worker[] }> {
  const setup = {
    redisUrl: redis.url,
    tier,
    endpoint: sm.endpoint,
    region: sm.region,
    ...sm.credentials,
    encryptionKey,
  };
  const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(setup)));
  sm.resetRequests();
  const answers = await Promise.all(
    workers.map((worker) => worker.ask<{ ms: number; failed: number }>({ op: 'read', ids: IDS })),
  );
  if (answers.some((answer) => answer.failed > 0)) throw new Error('a cold read failed');
  const secretCalls = sm.requests.filter((request) => request.action.includes('SecretValue'));
  return {
    calls: secretCalls.length,
    secretReads: secretCalls.reduce((sum, request) => sum + request.secretIds.length, 0),
    p50: median(answers.map((answer) => answer.ms)),
    max: Math.max(...answers.map((answer) => answer.ms)),
    workers,
  };
}

async function invalidationReach(workers: Worker[]): Promise<{ p50: number; p99: number; samples: number }> {
  const delays: number[] = [];
  for (let round = 0; round < INVALIDATIONS; round++) {
    const sender = workers[round % workers.length]!;
    for (const worker of workers) worker.heard.length = 0;
    const { sent } = await sender.ask<{ sent: number }>({ op: 'invalidate', id: IDS[round % SECRETS] });
    const deadline = Date.now() + 2_000;
    while (workers.some((worker) => worker.heard.length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const worker of workers) {
      if (worker === sender) continue;
      delays.push(worker.heard.length > 0 ? worker.heard[0]! - sent : Number.POSITIVE_INFINITY);
    }
  }
  return { p50: percentile(delays, 50), p99: percentile(delays, 99), samples: delays.length };
}

function awsProvider(sm: LocalSecretsManager): SecretProvider {
  return createAwsProvider({ region: sm.region, endpoint: sm.endpoint, ...sm.credentials });
}

async function warmCost(
  sm: LocalSecretsManager,
  redis: RedisServer,
  encryptionKey: string,
): Promise<number[]> {
  const client = await createClient({ url: redis.url }).connect();
  const shared = createRedisSecretCache({ client, encryptionKey, namespace: 'bench-warm' });
  const withTier = createSecretManager(awsProvider(sm), { cache: shared });
  const without = createSecretManager(awsProvider(sm), { cache: createSecretCache() });
  const ref = `${IDS[0]}`;
  await withTier.getSecret(ref);
  await without.getSecret(ref);
  const figures = await interleavedNsPerOp(
    [{ task: () => withTier.getSecret(ref) }, { task: () => without.getSecret(ref) }],
    { warmup: 2_000, runs: 9 },
  );
  await shared.close();
  client.destroy();
  return figures;
}

/** Extra latency per uncached read while Redis is paused (SIGSTOP) or killed: first read, then the median of the next. */
async function downCost(
  sm: LocalSecretsManager,
  redis: RedisServer,
  encryptionKey: string,
  fault: 'pause' | 'kill',
): Promise<{ first: number; later: number; baseline: number }> {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => {});
  await client.connect();
  const caches: SecretCache[] = [
    createRedisSecretCache({ client, encryptionKey, namespace: 'bench-down', ttlMs: 0, staleIfErrorMs: 0 }),
    createSecretCache({ ttlMs: 0, staleIfErrorMs: 0 }),
  ];
  const [withTier, baseline] = caches.map((cache) => createSecretManager(awsProvider(sm), { cache }));
  const time = async (read: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await read();
    return performance.now() - started;
  };
  const base: number[] = [];
  for (let i = 0; i < 10; i++) base.push(await time(() => baseline!.getSecret(IDS[1]!)));
  if (fault === 'pause') redis.pause();
  else await redis.kill();
  const first = await time(() => withTier!.getSecret(IDS[1]!));
  const later: number[] = [];
  for (let i = 0; i < 10; i++) later.push(await time(() => withTier!.getSecret(IDS[1]!)));
  if (fault === 'pause') redis.resume();
  else await redis.restart();
  await (caches[0] as ReturnType<typeof createRedisSecretCache>).close();
  client.destroy();
  const baselineMs = median(base);
  return { first, later: median(later), baseline: baselineMs };
}

/** Runs every fleet scenario and returns its rows and targets. */
export async function redisFleet(): Promise<ScenarioResult> {
  const redis = await startRedisServer();
  const sm = await startLocalSecretsManager({
    secrets: IDS.map((name) => ({ name, secretString: `value-${randomBytes(6).toString('hex')}` })),
  });
  sm.injectFault({ kind: 'delay', ms: LATENCY_MS, times: Number.POSITIVE_INFINITY });
  const encryptionKey = randomBytes(32).toString('base64');
  try {
    const plain = await coldStart(sm, redis, false, encryptionKey);
    await Promise.all(plain.workers.map((worker) => worker.exit()));
    const shared = await coldStart(sm, redis, true, encryptionKey);
    const reach = await invalidationReach(shared.workers);
    await Promise.all(shared.workers.map((worker) => worker.exit()));
    const [warmWith, warmWithout] = await warmCost(sm, redis, encryptionKey);
    const paused = await downCost(sm, redis, encryptionKey, 'pause');
    const killed = await downCost(sm, redis, encryptionKey, 'kill');
    const row = (measure: string, ours: string, without: string) => ({
      scenario: 'Redis tier',
      measure,
      ours,
      powertools: without,
      ratio: '—',
      versus: 'without the tier',
    });
    // A read with Redis down costs what a read without the tier costs, plus any wait on Redis (never below zero:
    // below the baseline is noise).
    const extra = (ms: number) => Math.max(0, ms - paused.baseline);
    const ms = (value: number) => figure(value, 'ms');
    return {
      rows: [
        row(
          `cold start ${PROCESSES}×${SECRETS}: AWS calls (with tier | without)`,
          `${shared.calls}`,
          `${plain.calls}`,
        ),
        row('cold start: secrets read from AWS', `${shared.secretReads}`, `${plain.secretReads}`),
        row(
          'cold start: p50 / slowest process',
          `${ms(shared.p50)} / ${ms(shared.max)}`,
          `${ms(plain.p50)} / ${ms(plain.max)}`,
        ),
        row(
          `invalidation reaching ${PROCESSES - 1} processes: p50 / p99`,
          `${ms(reach.p50)} / ${ms(reach.p99)}`,
          'never',
        ),
        row('warm getSecret (in-process hit)', figure(warmWith!, 'ns'), figure(warmWithout!, 'ns')),
        row(
          'Redis paused: a read, first / later (without: any read)',
          `${ms(paused.first)} / ${ms(paused.later)}`,
          ms(paused.baseline),
        ),
        row(
          'Redis killed: a read, first / later (without: any read)',
          `${ms(killed.first)} / ${ms(killed.later)}`,
          ms(killed.baseline),
        ),
      ],
      targets: [
        {
          name: 'fleet cold start: AWS secret reads',
          goal: `≤ 2× one process (${SECRETS})`,
          measured: `${shared.secretReads} (without the tier: ${plain.secretReads})`,
          pass: shared.secretReads <= 2 * SECRETS,
        },
        {
          name: 'invalidation reaches every process',
          goal: 'p99 ≤ 100 ms',
          measured: `p50 ${ms(reach.p50)}, p99 ${ms(reach.p99)} (${reach.samples} deliveries)`,
          pass: reach.p99 <= 100,
        },
        {
          name: 'warm read with the tier',
          goal: 'no dearer than without',
          measured: `${figure(warmWith!, 'ns')} vs ${figure(warmWithout!, 'ns')}`,
          pass: warmWith! <= warmWithout! * 1.1,
        },
        {
          name: 'Redis down: extra latency per read',
          goal: '≤ 1 s, then none',
          measured: `paused +${ms(extra(paused.first))} then +${ms(extra(paused.later))}; killed +${ms(extra(killed.first))} then +${ms(extra(killed.later))}`,
          pass:
            Math.max(extra(paused.first), extra(killed.first)) <= 1_000 &&
            Math.max(extra(paused.later), extra(killed.later)) <= 5,
        },
      ],
      notes: [
        `Fleet: ${PROCESSES} processes (tsx children), node-redis, the local endpoint with ${LATENCY_MS} ms per call; "without" is createSecretCache() in each process.`,
      ],
    };
  } finally {
    await sm.close();
    await redis.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await redisFleet();
  console.log('measure | with the tier | without');
  for (const row of result.rows) console.log(`${row.measure} | ${row.ours} | ${row.powertools}`);
  console.log('');
  for (const target of result.targets) {
    console.log(`${target.pass ? 'PASS' : 'MISS'} ${target.name}: ${target.measured} (goal ${target.goal})`);
  }
}
