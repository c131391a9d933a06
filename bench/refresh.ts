/**
 * Refresh ahead under latency: one secret read every 5 ms across 10 cache expiries, each AWS call answering after
 * 20 ms (the full SDK stack over the bench client). Read latency with `refreshAheadMs` (an entry read close to its
 * expiry is served at once and refreshed in the background) against the same cache without it. Goal: no read waits
 * for AWS after the first. Powertools is left out: its `maxAge` counts whole seconds (`Date#setSeconds`), so it
 * cannot expire every 250 ms. Run alone: `npx tsx bench/refresh.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createAwsSecretsManager } from 'secret-refs';
import { type BenchClient, createBenchClient } from './mock-client.js';
import { figure, type ScenarioResult } from './report.js';

const TTL_MS = 250;
const EXPIRIES = 10;
const READ_EVERY_MS = 5;
const REFRESH_AHEAD_MS = 100;
const SECRET = 'refresh/db';

/** Latency of every read after the first, and the AWS calls made, for one reader. */
interface Run {
  latencies: number[];
  calls: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readFor(bench: BenchClient, read: () => Promise<unknown>): Promise<Run> {
  bench.resetCalls();
  await read(); // the cold read: it waits for AWS whatever the cache does
  const latencies: number[] = [];
  const end = performance.now() + TTL_MS * EXPIRIES;
  while (performance.now() < end) {
    const started = performance.now();
    await read();
    const took = performance.now() - started;
    latencies.push(took);
    await sleep(Math.max(0, READ_EVERY_MS - took));
  }
  return { latencies, calls: bench.calls.total };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function describeRun(label: string, run: Run, latencyMs: number): string {
  const waited = run.latencies.filter((ms) => ms >= latencyMs / 2).length;
  return (
    `${label}: ${run.latencies.length} reads, p50 ${figure(percentile(run.latencies, 50), 'ms')}, ` +
    `p99 ${figure(percentile(run.latencies, 99), 'ms')}, max ${figure(Math.max(...run.latencies), 'ms')}, ` +
    `${waited} waited for AWS, ${run.calls} AWS calls`
  );
}

/**
 * Runs both readers one after the other on `bench` and reports p99 read latency.
 * @example
 *   const result = await refreshAhead(createBenchClient({ latencyMs: 20 }));
 */
export async function refreshAhead(bench: BenchClient): Promise<ScenarioResult> {
  bench.put(SECRET, JSON.stringify({ password: 'bench' }));
  const read = (refreshAheadMs: number) => {
    const manager = createAwsSecretsManager({
      client: bench.client,
      cache: { ttlMs: TTL_MS, jitter: 0, refreshAheadMs },
    });
    return () => manager.getSecret(`${SECRET}:password`);
  };
  const ahead = await readFor(bench, read(REFRESH_AHEAD_MS));
  const plain = await readFor(bench, read(0));

  const latency = bench.latencyMs;
  const scenario = `${EXPIRIES} expiries (ttl ${TTL_MS} ms), a read every ${READ_EVERY_MS} ms, ${latency} ms/call`;
  const p99 = percentile(ahead.latencies, 99);
  const waited = ahead.latencies.filter((ms) => ms >= latency / 2).length;
  return {
    rows: [
      {
        scenario,
        measure: `p99 read latency, refreshAheadMs ${REFRESH_AHEAD_MS}`,
        ours: figure(p99, 'ms'),
        powertools: '—',
        ratio: '—',
      },
      {
        scenario,
        measure: 'p99 read latency without refreshAheadMs',
        ours: figure(percentile(plain.latencies, 99), 'ms'),
        powertools: '—',
        ratio: '—',
      },
    ],
    targets: [
      {
        name: 'refresh ahead',
        goal: `no read waits for AWS after the first (none ≥ ${latency / 2} ms)`,
        measured: `${waited} of ${ahead.latencies.length} reads waited; p99 ${figure(p99, 'ms')}`,
        pass: waited === 0,
      },
    ],
    notes: [
      describeRun(`refreshAheadMs ${REFRESH_AHEAD_MS}`, ahead, latency),
      describeRun('without refreshAheadMs', plain, latency),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const result = await refreshAhead(createBenchClient({ latencyMs: 20 }));
  for (const row of result.rows) console.log(`${row.measure}: ${row.ours}`);
  for (const note of result.notes ?? []) console.log(note);
  for (const target of result.targets) {
    console.log(`${target.pass ? 'PASS' : 'MISS'} ${target.name}: ${target.goal} — ${target.measured}`);
  }
}
