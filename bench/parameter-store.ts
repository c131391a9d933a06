/**
 * Parameter Store, side by side with Powertools' SSMProvider, both through @aws-sdk/client-ssm against the local
 * endpoint with 20 ms added to every call: a cold read of 25 parameters, the warm read of one reference, and a cold
 * read of 400 parameters under the account's 40-calls-a-second quota.
 */

import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createAwsSecretsManager } from '../src/manager/create-aws-secrets-manager.js';
import { resolveConnection } from '../src/resolve/resolve-connection.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../src/testing/index.js';
import { pairedRatio } from './measure.js';
import { figure, ratio, type ScenarioResult } from './report.js';
import { pairedText } from './warm.js';

const LATENCY_MS = 20;

const names = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `/bench/${prefix}/p${i}`);

function ours(sm: LocalSecretsManager, ttlMs = 300_000) {
  return createAwsSecretsManager({
    region: sm.region,
    endpoint: sm.endpoint,
    ssmEndpoint: sm.endpoint,
    accessKeyId: sm.credentials.accessKeyId,
    secretAccessKey: sm.credentials.secretAccessKey,
    cache: { ttlMs },
  });
}

const ssmCalls = (sm: LocalSecretsManager) => sm.requests.filter((r) => r.service === 'ssm').length;

/** The most calls the endpoint answered within any one second, from samples of its request count every 5 ms. */
async function sampleCalls<T>(
  sm: LocalSecretsManager,
  run: () => Promise<T>,
): Promise<{ maxPerSecond: number; ms: number }> {
  const samples: [number, number][] = [];
  const began = performance.now();
  const timer = setInterval(() => samples.push([performance.now(), ssmCalls(sm)]), 5);
  await run();
  clearInterval(timer);
  const ms = performance.now() - began;
  samples.push([performance.now(), ssmCalls(sm)]);
  let maxPerSecond = 0;
  for (const [t, count] of samples) {
    const before = samples.filter(([at]) => at <= t - 1000).at(-1)?.[1] ?? 0;
    maxPerSecond = Math.max(maxPerSecond, count - before);
  }
  return { maxPerSecond, ms };
}

export async function parameterStore(): Promise<ScenarioResult> {
  const sm = await startLocalSecretsManager({
    parameters: [...names('a', 25), ...names('b', 25), ...names('big', 400)].map((name) => ({
      name,
      value: `v${name}`,
    })),
  });
  sm.injectFault({ kind: 'delay', ms: LATENCY_MS, action: 'GetParameters', times: Number.POSITIVE_INFINITY });
  const client = new SSMClient({ endpoint: sm.endpoint, region: sm.region, credentials: sm.credentials });
  const powertools = new SSMProvider({ awsSdkV3Client: client });
  try {
    // Cold, 25 parameters, once each side has loaded its SDK and made its client (one read of another parameter).
    const manager = ours(sm);
    await manager.getSecret('{{resolve:ssm:/bench/big/p0}}');
    await powertools.get('/bench/big/p1');
    sm.resetRequests();
    let began = performance.now();
    const results = await manager.getSecrets(names('a', 25).map((name) => `{{resolve:ssm:${name}}}`));
    const oursColdMs = performance.now() - began;
    const oursColdCalls = ssmCalls(sm);
    if (!results.every((r) => r.ok)) throw new Error('a cold read failed');
    sm.resetRequests();
    began = performance.now();
    await powertools.getParametersByName(Object.fromEntries(names('b', 25).map((name) => [name, {}])));
    const ptColdMs = performance.now() - began;
    const ptColdCalls = ssmCalls(sm);

    // Warm, per reference: a connection of 3 Parameter Store references resolved, against 3 cached Powertools gets
    // (called as a user would, no wrapper on its side).
    const connection = {
      url: '{{resolve:ssm:/bench/a/p0}}',
      user: '{{resolve:ssm:/bench/a/p1}}',
      db: 'orders-{{resolve:ssm:/bench/a/p2}}',
    };
    await resolveConnection(connection, manager);
    for (const name of ['/bench/a/p0', '/bench/a/p1', '/bench/a/p2'])
      await powertools.get(name, { maxAge: 300 });
    let sink = 0;
    // Paired rounds, as the warm matrix of bench/warm.ts: noise falls on both sides of a round alike.
    const warm = await pairedRatio(
      {
        task: async () => {
          sink += Object.keys(await resolveConnection(connection, manager)).length;
        },
        opsPerCall: 3,
        iterations: 150,
      },
      {
        task: async () => {
          const value = {
            url: await powertools.get('/bench/a/p0', { maxAge: 300 }),
            user: await powertools.get('/bench/a/p1', { maxAge: 300 }),
            db: `orders-${await powertools.get('/bench/a/p2', { maxAge: 300 })}`,
          };
          sink += Object.keys(value).length;
        },
        opsPerCall: 3,
        iterations: 150,
      },
    );
    if (sink === 0) throw new Error('the warm reads gave nothing');

    // Cold, 400 parameters: paced.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    sm.resetRequests();
    const big = ours(sm);
    const paced = await sampleCalls(sm, () =>
      big.getSecrets(names('big', 400).map((name) => `{{resolve:ssm:${name}}}`)),
    );
    const bigCalls = ssmCalls(sm);

    return {
      rows: [
        {
          scenario: `Parameter Store cold, 25 parameters, ${LATENCY_MS} ms/call`,
          measure: 'calls / wall time',
          ours: `${oursColdCalls} calls, ${figure(oursColdMs, 'ms')}`,
          powertools: `${ptColdCalls} calls, ${figure(ptColdMs, 'ms')} (getParametersByName)`,
          ratio: ratio(oursColdMs, ptColdMs),
        },
        {
          scenario: 'Parameter Store warm, 3 references in a connection',
          measure: 'per reference',
          ours: figure(warm.aNs, 'ns'),
          powertools: `${figure(warm.bNs, 'ns')} (cached get)`,
          ratio: pairedText(warm),
        },
        {
          scenario: `Parameter Store cold, 400 parameters, ${LATENCY_MS} ms/call`,
          measure: 'calls, most in any second, total time',
          ours: `${bigCalls} calls, ≤ ${paced.maxPerSecond}/s, ${figure(paced.ms, 'ms')}`,
          powertools: '—',
          ratio: '—',
        },
      ],
      targets: [
        {
          name: 'Parameter Store cold, 25 parameters',
          goal: '3 calls, about one round trip',
          measured: `${oursColdCalls} calls, ${(oursColdMs / LATENCY_MS).toFixed(2)} round trips`,
          pass: oursColdCalls === 3 && oursColdMs < 3 * LATENCY_MS,
        },
        {
          name: 'Parameter Store warm, per reference',
          goal: "≤ 1.0× Powertools' cached get",
          measured: pairedText(warm),
          pass: warm.ratio <= 1,
        },
        {
          name: 'Parameter Store cold, 400 parameters',
          goal: '≤ 40 calls in any second',
          measured: `${paced.maxPerSecond} in the busiest second, ${figure(paced.ms, 'ms')} in all`,
          pass: paced.maxPerSecond <= 40,
        },
      ],
    };
  } finally {
    client.destroy();
    await sm.close();
  }
}
