/**
 * A fleet on one Redis: four worker processes resolve the same connection through `createRedisSecretCache`.
 * Shows the AWS calls a cold fleet makes (one, where four processes with their own caches make four), a new
 * process served from Redis with no AWS call, and one `invalidate` reaching every worker after a rotation.
 *
 *   npx tsx examples/fleet/run.ts                       # starts redis-server and the local endpoint itself
 *   REDIS_URL=redis://localhost:6379 npx tsx examples/fleet/run.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../../test/support/redis-server.js';
import { readDemoSecrets, startDemoEndpoint } from '../demo-endpoint.js';

const WORKERS = 4;
const redis = process.env.REDIS_URL === undefined ? await startRedisServer() : undefined;
const endpoint = await startDemoEndpoint();
// Every process of the fleet holds the same key (from your secret store, not from Redis): `openssl rand -base64 32`.
const SECRET_CACHE_KEY = randomBytes(32).toString('base64');

interface Worker {
  ask(command: string): Promise<Record<string, unknown>>;
  child: ChildProcess;
}

function startWorker(name: string): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./worker.ts', import.meta.url))],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        REDIS_URL: process.env.REDIS_URL ?? redis?.url,
        ENDPOINT: endpoint.endpoint,
        REGION: endpoint.region,
        ACCESS_KEY_ID: endpoint.credentials.accessKeyId,
        SECRET_ACCESS_KEY: endpoint.credentials.secretAccessKey,
        SECRET_CACHE_KEY,
        WORKER: name,
      },
    },
  );
  const replies: ((message: Record<string, unknown>) => void)[] = [];
  child.on('message', (message: Record<string, unknown>) => replies.shift()?.(message));
  const next = () => new Promise<Record<string, unknown>>((resolve) => replies.push(resolve));
  return next().then(() => ({
    child,
    ask(command) {
      const reply = next();
      child.send(command);
      return reply;
    },
  }));
}

const awsReads = () => endpoint.requests.filter((request) => request.action.endsWith('SecretValue')).length;
const workers: Worker[] = [];
try {
  workers.push(
    ...(await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(`worker-${i + 1}`)))),
  );
  endpoint.resetRequests();

  const cold = await Promise.all(workers.map((worker) => worker.ask('resolve')));
  console.log(`cold start: ${WORKERS} workers resolved the connection (host ${cold[0]?.host})`);
  console.log(`  AWS calls: ${awsReads()} (each worker on its own cache would make ${WORKERS})`);
  if (awsReads() > 1) throw new Error('the fleet did not share its reads');

  const late = await startWorker('worker-late');
  workers.push(late);
  endpoint.resetRequests();
  await late.ask('resolve');
  console.log(`a new worker: resolved from Redis, AWS calls: ${awsReads()}`);

  // A rotation: the database password and host change in Secrets Manager; one worker says so.
  const [orders] = (await readDemoSecrets()).filter((secret) => secret.name === 'demo/orders-db');
  const rotated = {
    ...(orders?.value as object),
    host: 'orders-db-2.internal.example',
    password: 'rotated-not-real',
  };
  endpoint.putSecret({ name: 'demo/orders-db', secretString: JSON.stringify(rotated) });
  await workers[0]!.ask('invalidate');
  await new Promise((resolve) => setTimeout(resolve, 100));
  endpoint.resetRequests();
  const after = await Promise.all(workers.map((worker) => worker.ask('resolve')));
  const hosts = new Set(after.map((reply) => reply.host));
  console.log(`one invalidate from worker-1: every worker now reads host ${[...hosts].join(', ')}`);
  console.log(`  AWS calls for the whole fleet after the invalidation: ${awsReads()}`);
  if (hosts.size !== 1 || !hosts.has(rotated.host))
    throw new Error('the invalidation did not reach every worker');
} finally {
  await Promise.all(
    workers.map((worker) => {
      const gone = new Promise((resolve) => worker.child.once('exit', resolve));
      worker.child.send('exit');
      return gone;
    }),
  );
  await endpoint.close();
  await redis?.stop();
}
