/**
 * `npm run bench`: secret-refs against Powertools for AWS Lambda (`SecretsProvider`), both sending through one
 * mocked `SecretsManagerClient`. Prints the table and the targets, and writes BENCHMARKS.md.
 * `BENCH_LATENCY_MS` sets the simulated latency per API call (default 20).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { coldStart } from './cold.js';
import { concurrentResolves, fleet } from './concurrency.js';
import { memory } from './memory.js';
import { createBenchClient } from './mock-client.js';
import { machine, renderMarkdown, renderText, type ScenarioResult } from './report.js';
import { warmPath } from './warm.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
if (!Number.isFinite(latencyMs) || latencyMs < 1) {
  console.error('BENCH_LATENCY_MS must be a number of milliseconds, 1 or more');
  process.exit(2);
}

const host = machine();
console.log(`secret-refs vs Powertools — ${host.cpu}, ${host.cores} cores, Node ${host.node}, ${host.date}`);
console.log(`simulated latency: ${latencyMs} ms per API call\n`);

const results: ScenarioResult[] = [];
const step = async (label: string, run: () => Promise<ScenarioResult>): Promise<void> => {
  process.stdout.write(`running: ${label}…\n`);
  results.push(await run());
};

await step('warm path', () => warmPath(createBenchClient({ latencyMs: 0 })));
await step('cold start', () => coldStart(createBenchClient({ latencyMs })));
await step('100 concurrent resolves', () => concurrentResolves(createBenchClient({ latencyMs })));
await step('1,000 connections', () => fleet(createBenchClient({ latencyMs })));
await step('memory', () => memory());

console.log(`\n${renderText(results)}\n`);
const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
await writeFile(target, renderMarkdown(results, { latencyMs }));
console.log(`wrote ${target}`);
const missed = results.flatMap((result) => result.targets).filter((item) => !item.pass);
if (missed.length > 0)
  console.log(`${missed.length} target(s) missed: ${missed.map((m) => m.name).join(', ')}`);
