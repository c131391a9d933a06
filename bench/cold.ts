import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { createAwsSecretsManager } from '../src/manager/create-aws-secrets-manager.js';
import { resolveConnection } from '../src/resolve/resolve-connection.js';
import { seedSecrets, wideConnection } from './fixtures.js';
import { median, wallMs } from './measure.js';
import type { BenchClient } from './mock-client.js';
import { figure, ratio, type ScenarioResult } from './report.js';

const RUNS = 7;
const SECRETS = 10;

interface Sample {
  ms: number;
  calls: number;
}

async function sample(bench: BenchClient, task: () => Promise<unknown>): Promise<Sample> {
  bench.resetCalls();
  const ms = await wallMs(task);
  return { ms, calls: bench.calls.total };
}

async function medianOf(run: () => Promise<Sample>): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await run());
  return { ms: median(samples.map((s) => s.ms)), calls: median(samples.map((s) => s.calls)) };
}

/**
 * Cold start: one connection referencing 10 distinct secrets, nothing cached, a fixed latency per call. Wall time
 * and API calls: ours batched, ours with the batch call refused (first time, then remembered), Powertools getting
 * each secret concurrently and one after another.
 * @example
 *   const result = await coldStart(createBenchClient({ latencyMs: 20 }));
 */
export async function coldStart(bench: BenchClient): Promise<ScenarioResult> {
  const names = seedSecrets(bench, 'cold/db', SECRETS);
  const connection = wideConnection(names);
  const latency = bench.latencyMs;

  const batched = await medianOf(() =>
    sample(bench, () => resolveConnection(connection, createAwsSecretsManager({ client: bench.client }))),
  );

  bench.denyBatch = true;
  const deniedFirst = await medianOf(() =>
    sample(bench, () => resolveConnection(connection, createAwsSecretsManager({ client: bench.client }))),
  );
  const remembered = createAwsSecretsManager({ client: bench.client });
  await resolveConnection(connection, remembered);
  const deniedLater = await medianOf(() => {
    remembered.invalidate();
    return sample(bench, () => resolveConnection(connection, remembered));
  });
  bench.denyBatch = false;

  const readAll = (provider: SecretsProvider) =>
    Promise.all(names.map((name) => provider.get(name, { transform: 'json' })));
  const concurrent = await medianOf(() =>
    sample(bench, () => readAll(new SecretsProvider({ awsSdkV3Client: bench.client }))),
  );
  const sequential = await medianOf(() =>
    sample(bench, async () => {
      const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
      for (const name of names) await provider.get(name, { transform: 'json' });
    }),
  );

  const scenario = `cold, ${SECRETS} secrets, ${latency} ms/call`;
  const row = (measure: string, ours: Sample | undefined, theirs: Sample | undefined) => [
    {
      scenario,
      measure: `${measure}: wall time`,
      ours: ours ? figure(ours.ms, 'ms') : '—',
      powertools: theirs ? figure(theirs.ms, 'ms') : '—',
      ratio: ratio(ours?.ms, theirs?.ms),
    },
    {
      scenario,
      measure: `${measure}: API calls`,
      ours: ours ? String(ours.calls) : '—',
      powertools: theirs ? String(theirs.calls) : '—',
      ratio: ratio(ours?.calls, theirs?.calls),
    },
  ];
  const roundTrips = batched.ms / latency;
  return {
    rows: [
      ...row('batched vs Promise.all(get)', batched, concurrent),
      ...row('batched vs get one after another', batched, sequential),
      ...row('batch refused, first call (refused batch + fallback)', deniedFirst, concurrent),
      ...row('batch refused, remembered (GetSecretValue each)', deniedLater, concurrent),
    ],
    targets: [
      {
        name: 'cold start, 10 secrets',
        goal: '≤ 1.5 round trips',
        measured: `${roundTrips.toFixed(2)} round trips (${figure(batched.ms, 'ms')}, ${batched.calls} call)`,
        pass: roundTrips <= 1.5,
      },
    ],
    notes: [
      `Cold start: median of ${RUNS} runs, each with a new manager (or a new \`SecretsProvider\`), so nothing is cached. "Batch refused" answers \`BatchGetSecretValue\` with \`AccessDeniedException\`, as under the IAM policy of the Activepieces guide; the first call pays for the refused batch, later calls go straight to \`GetSecretValue\` (10 at a time).`,
    ],
  };
}
