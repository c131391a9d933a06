import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { createAwsSecretsManager } from '../src/manager/create-aws-secrets-manager.js';
import { resolveConnection } from '../src/resolve/resolve-connection.js';
import { connection, seedSecrets } from './fixtures.js';
import { wallMs } from './measure.js';
import type { BenchClient } from './mock-client.js';
import { figure, type Row, ratio, type ScenarioResult } from './report.js';

const CONCURRENT = 100;
const CONNECTIONS = 1_000;
const SECRETS = 25;

function rows(
  scenario: string,
  measure: string,
  ours: { ms: number; calls: number },
  theirs?: { ms: number; calls: number },
): Row[] {
  return [
    {
      scenario,
      measure: `${measure}: API calls`,
      ours: String(ours.calls),
      powertools: theirs ? String(theirs.calls) : '—',
      ratio: ratio(ours.calls, theirs?.calls),
    },
    {
      scenario,
      measure: `${measure}: wall time`,
      ours: figure(ours.ms, 'ms'),
      powertools: theirs ? figure(theirs.ms, 'ms') : '—',
      ratio: ratio(ours.ms, theirs?.ms),
    },
  ];
}

async function counted(bench: BenchClient, task: () => Promise<unknown>) {
  bench.resetCalls();
  const ms = await wallMs(task);
  return { ms, calls: bench.calls.total, batch: bench.calls.BatchGetSecretValue, denied: bench.calls.denied };
}

/**
 * 100 concurrent resolves of one secret, on a cold cache: how many API calls each library makes.
 * @example
 *   const result = await concurrentResolves(createBenchClient({ latencyMs: 20 }));
 */
export async function concurrentResolves(bench: BenchClient): Promise<ScenarioResult> {
  const [secretId] = seedSecrets(bench, 'concurrent/db', 1) as [string];
  const input = connection(secretId);
  const manager = createAwsSecretsManager({ client: bench.client });
  const ours = await counted(bench, () =>
    Promise.all(Array.from({ length: CONCURRENT }, () => resolveConnection(input, manager))),
  );
  const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
  const theirs = await counted(bench, () =>
    Promise.all(Array.from({ length: CONCURRENT }, () => provider.get(secretId, { transform: 'json' }))),
  );
  return {
    rows: rows(`${CONCURRENT} concurrent resolves, 1 secret`, 'resolveConnection vs get(json)', ours, theirs),
    targets: [
      {
        name: `${CONCURRENT} concurrent resolves`,
        goal: '1 API call',
        measured: `${ours.calls} call(s)`,
        pass: ours.calls === 1,
      },
    ],
  };
}

/**
 * 1,000 connections over 25 distinct secrets of 3 keys each (connection n reads the 3 keys of secret n mod 25):
 * API calls with batching, with the batch refused, and with Powertools.
 * @example
 *   const result = await fleet(createBenchClient({ latencyMs: 20 }));
 */
export async function fleet(bench: BenchClient): Promise<ScenarioResult> {
  const names = seedSecrets(bench, 'fleet/db', SECRETS);
  const connections = Array.from({ length: CONNECTIONS }, (_, n) => connection(names[n % SECRETS]!, n));
  const fresh = () => createAwsSecretsManager({ client: bench.client });

  const oneCall = await counted(bench, () => resolveConnection(connections, fresh()));
  const each = await counted(bench, () => {
    const manager = fresh();
    return Promise.all(connections.map((item) => resolveConnection(item, manager)));
  });
  bench.denyBatch = true;
  const denied = await counted(bench, () => resolveConnection(connections, fresh()));
  bench.denyBatch = false;

  const read = (provider: SecretsProvider, item: Record<string, unknown>, n: number) =>
    provider
      .get(names[n % SECRETS]!, { transform: 'json' })
      .then((json) => ({ ...item, ...(json as object) }));
  const theirsConcurrent = await counted(bench, () => {
    const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
    return Promise.all(connections.map((item, n) => read(provider, item, n)));
  });
  const theirsSequential = await counted(bench, async () => {
    const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
    for (const [n, item] of connections.entries()) await read(provider, item, n);
  });

  const scenario = `${CONNECTIONS} connections, ${SECRETS} secrets × 3 keys`;
  return {
    rows: [
      ...rows(scenario, 'one resolve of the list vs Promise.all(get)', oneCall, theirsConcurrent),
      ...rows(scenario, 'one resolve of the list vs get one after another', oneCall, theirsSequential),
      ...rows(scenario, `${CONNECTIONS} concurrent resolves vs Promise.all(get)`, each, theirsConcurrent),
      ...rows(scenario, 'batch refused, one resolve (refused batch + fallback)', denied, theirsConcurrent),
    ],
    targets: [
      {
        name: `${SECRETS} secrets in one resolve`,
        goal: '2 BatchGetSecretValue calls',
        measured: `${oneCall.batch} BatchGetSecretValue, ${oneCall.calls} call(s) in all`,
        pass: oneCall.batch === 2 && oneCall.calls === 2,
      },
    ],
    notes: [
      `Fleet: connection n reads the 3 keys of secret n mod ${SECRETS}. Powertools reads each connection's secret once with \`get(name, { transform: 'json' })\` (the generous use: one get per connection, not per key). "${CONNECTIONS} concurrent resolves" runs one \`resolveConnection\` per connection at once: each names one secret, so each is read with \`GetSecretValue\`, merged across the concurrent resolves. With the batch refused, the first refused call is remembered and the rest fall back to \`GetSecretValue\`.`,
    ],
  };
}
