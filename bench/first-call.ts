/**
 * The first call in a fresh process: 10 secrets, 20 ms a call at the local endpoint (the real SDK over HTTP),
 * each run in its own `node` process. "At once" reads right after creating the manager; "after start-up" waits
 * 800 ms first, as an application does while it sets up the rest — the SDK's import, the client's construction and
 * its warm-up (a dry run through the SDK's middleware that sends nothing), started when the manager is created, are
 * done by then. Each child then reads 10 other secrets: a steady-state call, about 1.5 round trips at this endpoint
 * (signing, the endpoint's own checks), the floor of what a first call can reach.
 * Runnable alone: `npx tsx bench/first-call.ts`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalSecretsManager } from '../src/testing/index.js';
import { figure, type ScenarioResult } from './report.js';

const run = promisify(execFile);
const LATENCY_MS = 20;
const RUNS = 7;

interface ChildResult {
  /** The first read. */
  ms: number;
  /** A second read of 10 other secrets in the same process: what a steady-state call costs. */
  steadyMs: number;
  /** API calls of the first read. */
  calls: number;
}

async function firstCall(endpoint: string, waitMs: number): Promise<ChildResult> {
  const child = fileURLToPath(new URL('./first-call-child.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, endpoint, String(waitMs)], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return JSON.parse(stdout.trim()) as ChildResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median first-call time of fresh processes, read at once and after 800 ms of start-up, and of a steady call. */
export async function firstCallScenario(): Promise<ScenarioResult> {
  const sm = await startLocalSecretsManager({
    secrets: ['s', 't'].flatMap((set) =>
      Array.from({ length: 10 }, (_, n) => ({ name: `first/${set}${n}`, secretString: `value-${set}${n}` })),
    ),
  });
  try {
    sm.injectFault({ kind: 'delay', ms: LATENCY_MS, times: Number.POSITIVE_INFINITY });
    const atOnce: number[] = [];
    const later: number[] = [];
    const steady: number[] = [];
    let calls = 0;
    for (let round = 0; round < RUNS; round++) {
      const a = await firstCall(sm.endpoint, 0);
      const b = await firstCall(sm.endpoint, 800);
      atOnce.push(a.ms);
      later.push(b.ms);
      steady.push(a.steadyMs, b.steadyMs);
      calls = Math.max(calls, a.calls, b.calls);
    }
    const trips = (ms: number) => (ms / LATENCY_MS).toFixed(2);
    const now = median(atOnce);
    const warm = median(later);
    const steadyMs = median(steady);
    return {
      rows: [
        {
          scenario: `first call in a fresh process, 10 secrets, ${LATENCY_MS} ms/call`,
          measure: 'read at once after creating the manager',
          ours: `${figure(now, 'ms')} (${trips(now)} round trips)`,
          powertools: '—',
          ratio: '—',
        },
        {
          scenario: `first call in a fresh process, 10 secrets, ${LATENCY_MS} ms/call`,
          measure: 'read 800 ms after creating it (SDK loaded meanwhile)',
          ours: `${figure(warm, 'ms')} (${trips(warm)} round trips)`,
          powertools: '—',
          ratio: '—',
        },
        {
          scenario: `first call in a fresh process, 10 secrets, ${LATENCY_MS} ms/call`,
          measure: 'for comparison: a second read of 10 other secrets (steady state)',
          ours: `${figure(steadyMs, 'ms')} (${trips(steadyMs)} round trips)`,
          powertools: '—',
          ratio: '—',
        },
      ],
      targets: [
        {
          name: 'first call, fresh process',
          goal: '≤ 1.5 round trips',
          measured: `${trips(warm)} round trips after start-up, ${trips(now)} at once (${calls} call); a steady call ${trips(steadyMs)}`,
          pass: warm / LATENCY_MS <= 1.5,
        },
      ],
    };
  } finally {
    await sm.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await firstCallScenario();
  for (const row of result.rows) console.log(`${row.measure}: ${row.ours}`);
  for (const target of result.targets)
    console.log(`${target.name}: ${target.measured} — ${target.pass ? 'PASS' : 'MISS'}`);
}
