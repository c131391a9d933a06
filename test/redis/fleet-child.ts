/**
 * One process of a test fleet: a manager over a memory provider (explicit identity, so shared) and a Redis cache.
 * Driven over IPC by test/redis/fleet.ts: `read` (every secret), `set` (change a secret in this process's
 * provider, as AWS would change it for everyone), `invalidate`, `exit`. Replies with values and fetch counts.
 */
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import type { SecretProvider } from '../../src/types.js';
import { closeClusterClient, connectClusterClient, type RootNodes } from './cluster-helpers.js';
import { closeClient, connectClient, type Flavour } from './helpers.js';

interface Setup {
  url: string;
  flavour: Flavour;
  namespace: string;
  secrets: Record<string, string>;
  latencyMs: number;
  encryptionKey: string;
  /** A Redis Cluster's nodes: the member connects a cluster client instead of a client of `url`. */
  cluster?: RootNodes;
  /** The AWS provider over the local endpoint instead of the memory provider. */
  aws?: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
}

type Command =
  | { op: 'read'; ids: string[] }
  | { op: 'set'; id: string; value: string }
  | { op: 'invalidate'; id: string }
  | { op: 'exit' };

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
let fetched = 0;
const memory = createMemoryProvider(setup.secrets, {
  identity: 'fleet-test',
  latencyMs: setup.latencyMs,
  onCall: (call) => {
    fetched += call.locators.length;
  },
});
const aws = (config: NonNullable<Setup['aws']>): SecretProvider =>
  createAwsProvider({ ...config, maxAttempts: 1 });
const provider = setup.aws ? aws(setup.aws) : memory;
const client = setup.cluster
  ? await connectClusterClient(setup.flavour, setup.cluster)
  : await connectClient(setup.flavour, setup.url);
// A long lease: the test is about who fetches, not about how fast a loaded machine answers.
const cache = createRedisSecretCache({
  client,
  encryptionKey: setup.encryptionKey,
  namespace: setup.namespace,
  leaseMs: 5_000,
});
const manager = createSecretManager(provider, { cache });
const started = Date.now();
while (!cache.isListening() && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));

const reply = (message: unknown): void => {
  process.send?.(message);
};

process.on('message', async (command: Command) => {
  if (command.op === 'read') {
    const results = await manager.getSecrets(command.ids);
    reply({
      values: results.map((result) => (result.ok ? result.value : `error:${result.error.code}`)),
      fetched,
    });
  } else if (command.op === 'set') {
    memory.setSecret(command.id, command.value);
    reply({ fetched });
  } else if (command.op === 'invalidate') {
    manager.invalidate(command.id);
    reply({ fetched });
  } else {
    await cache.close();
    if (setup.cluster) closeClusterClient(client);
    else await closeClient(client);
    process.exit(0);
  }
});
reply({ ready: true });
