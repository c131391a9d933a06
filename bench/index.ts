/**
 * `npm run bench`: secret-refs against Powertools for AWS Lambda (`SecretsProvider`), both sending through one
 * mocked `SecretsManagerClient`. Prints the table and the targets; `npm run bench:write` (`--write`) also rewrites
 * BENCHMARKS.md.
 * `BENCH_LATENCY_MS` sets the simulated latency per API call (default 20). `BENCH_ONLY=warm` (or `cold`,
 * `concurrency`, `fleet`, `memory`, `cardinality`, `refresh`, `redis`, `first`, `fleet-cluster`, `ssm`, comma-separated) runs
 * only those scenarios (and never writes).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { coldStart } from './cold.js';
import { concurrentResolves, fleet } from './concurrency.js';
import { firstCallScenario } from './first-call.js';
import { redisFleet } from './fleet.js';
import { fleetAtScale } from './fleet-cluster.js';
import { highCardinality } from './high-cardinality.js';
import { memory } from './memory.js';
import { createBenchClient } from './mock-client.js';
import { parameterStore } from './parameter-store.js';
import { refreshAhead } from './refresh.js';
import { machine, renderMarkdown, renderText, type ScenarioResult } from './report.js';
import { warmPath } from './warm.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
if (!Number.isFinite(latencyMs) || latencyMs < 1) {
  console.error('BENCH_LATENCY_MS must be a number of milliseconds, 1 or more');
  process.exit(2);
}

const SCENARIOS = [
  'warm',
  'cardinality',
  'cold',
  'concurrency',
  'fleet',
  'memory',
  'refresh',
  'redis',
  'first',
  'fleet-cluster',
  'ssm',
];
const only = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !SCENARIOS.includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  process.exit(2);
}
const selected = (name: string): boolean => only === undefined || only.length === 0 || only.includes(name);

const host = machine();
console.log(`secret-refs vs Powertools — ${host.cpu}, ${host.cores} cores, Node ${host.node}, ${host.date}`);
console.log(`simulated latency: ${latencyMs} ms per API call\n`);

const results: ScenarioResult[] = [];
const step = async (label: string, run: () => Promise<ScenarioResult>, name: string): Promise<void> => {
  if (!selected(name)) return;
  process.stdout.write(`running: ${label}…\n`);
  results.push(await run());
};

await step('warm path', () => warmPath(createBenchClient({ latencyMs: 0 })), 'warm');
await step(
  '100,000 cached secrets',
  () => highCardinality(createBenchClient({ latencyMs: 0 })),
  'cardinality',
);
await step('cold start', () => coldStart(createBenchClient({ latencyMs })), 'cold');
await step(
  '100 concurrent resolves',
  () => concurrentResolves(createBenchClient({ latencyMs })),
  'concurrency',
);
await step('1,000 connections', () => fleet(createBenchClient({ latencyMs })), 'fleet');
await step('memory', () => memory(), 'memory');
await step('refresh ahead', () => refreshAhead(createBenchClient({ latencyMs })), 'refresh');
await step('a fleet with the Redis tier', () => redisFleet(), 'redis');
await step('first call in a fresh process', () => firstCallScenario(), 'first');
await step('1,000 managers on a Redis Cluster and a single server', () => fleetAtScale(), 'fleet-cluster');
await step('Parameter Store', () => parameterStore(), 'ssm');

console.log(`\n${renderText(results)}\n`);
// Only `npm run bench:write` (--write) rewrites the tracked BENCHMARKS.md, and only with every scenario run.
if (process.argv.includes('--write') && (only === undefined || only.length === 0)) {
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  await writeFile(target, renderMarkdown(results, { latencyMs }));
  console.log(`wrote ${target}`);
}
const missed = results.flatMap((result) => result.targets).filter((item) => !item.pass);
if (missed.length > 0)
  console.log(`${missed.length} target(s) missed: ${missed.map((m) => m.name).join(', ')}`);
