/**
 * The first call in a fresh process: 10 secrets, 20 ms a call at the local endpoint (the real SDK over HTTP),
 * each run in its own plain `node` process (JavaScript children, no TypeScript loader: what a service runs), for
 * secret-refs and for Powertools (`first-call-child-powertools.mjs`). "At once" reads right after creating the
 * manager; "after start-up" waits
 * 800 ms first, as an application does while it sets up the rest — the SDK's import, the client's construction and
 * its warm-up (a dry run through the SDK's middleware that sends nothing), started when the manager is created, are
 * done by then. Each child then reads 10 other secrets: a steady-state call, about 1.5 round trips at this endpoint
 * (signing, the endpoint's own checks), the floor of what a first call can reach.
 * Runnable alone: `npx tsx bench/first-call.ts`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
  /** From the child's start (node, the loader, every import) to the first values. */
  fromStartMs: number;
  /** A second read of 10 other secrets in the same process: what a steady-state call costs. */
  steadyMs: number;
  /** API calls of the first read. */
  calls: number;
}

const CHILDREN = { ours: './first-call-child.mjs', powertools: './first-call-child-powertools.mjs' } as const;

async function firstCall(who: keyof typeof CHILDREN, endpoint: string, waitMs: number): Promise<ChildResult> {
  const child = fileURLToPath(new URL(CHILDREN[who], import.meta.url));
  const { stdout } = await run(process.execPath, [child, endpoint, String(waitMs)], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return JSON.parse(stdout.trim()) as ChildResult;
}

/** Builds the package when `dist/` is missing or older than a file of `src/` (the child imports what users do). */
function ensureBuilt(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const mtime = (path: string): number => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newestSource = Math.max(
    ...readdirSync(`${root}src`, { recursive: true, encoding: 'utf8' }).map((file) =>
      mtime(`${root}src/${file}`),
    ),
  );
  if (mtime(`${root}dist/index.js`) >= newestSource) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The medians of one library's children: first read at once, after start-up, from the process start, steady. */
interface Medians {
  atOnce: number;
  later: number;
  fromStart: number;
  steady: number;
  calls: number;
}

/**
 * Median first-call times of fresh processes, for secret-refs and for Powertools (each child creates its client as
 * its users do, the two alternating round by round): read at once and after 800 ms of start-up, from the process's
 * start to the values, and a steady call.
 */
export async function firstCallScenario(): Promise<ScenarioResult> {
  ensureBuilt();
  const sm = await startLocalSecretsManager({
    secrets: ['s', 't'].flatMap((set) =>
      Array.from({ length: 10 }, (_, n) => ({ name: `first/${set}${n}`, secretString: `value-${set}${n}` })),
    ),
  });
  try {
    sm.injectFault({ kind: 'delay', ms: LATENCY_MS, times: Number.POSITIVE_INFINITY });
    const runs: Record<keyof typeof CHILDREN, { now: ChildResult[]; later: ChildResult[] }> = {
      ours: { now: [], later: [] },
      powertools: { now: [], later: [] },
    };
    for (let round = 0; round < RUNS; round++) {
      for (const who of ['ours', 'powertools'] as const) {
        runs[who].now.push(await firstCall(who, sm.endpoint, 0));
        runs[who].later.push(await firstCall(who, sm.endpoint, 800));
      }
    }
    const medians = (who: keyof typeof CHILDREN): Medians => {
      const { now, later } = runs[who];
      const all = [...now, ...later];
      return {
        atOnce: median(now.map((r) => r.ms)),
        later: median(later.map((r) => r.ms)),
        fromStart: median(now.map((r) => r.fromStartMs)),
        steady: median(all.map((r) => r.steadyMs)),
        calls: Math.max(...all.map((r) => r.calls)),
      };
    };
    const ours = medians('ours');
    const peer = medians('powertools');
    const trips = (ms: number) => (ms / LATENCY_MS).toFixed(2);
    const scenario = `first call in a fresh process, 10 secrets, ${LATENCY_MS} ms/call`;
    const row = (measure: string, a: number, b: number) => ({
      scenario,
      measure,
      ours: `${figure(a, 'ms')} (${trips(a)} round trips)`,
      powertools: `${figure(b, 'ms')} (${trips(b)} round trips)`,
      ratio: `${(a / b).toFixed(2)}×`,
    });
    return {
      rows: [
        row('read at once after creating the manager / provider', ours.atOnce, peer.atOnce),
        row('from the process start to the values, read at once', ours.fromStart, peer.fromStart),
        row('read 800 ms after creating it (SDK loaded meanwhile)', ours.later, peer.later),
        row('for comparison: a second read of 10 other secrets (steady state)', ours.steady, peer.steady),
        {
          scenario,
          measure: 'API calls of the first read (batched vs one get per secret)',
          ours: String(ours.calls),
          powertools: String(peer.calls),
          ratio: `${(ours.calls / peer.calls).toFixed(2)}×`,
        },
      ],
      targets: [
        {
          name: 'first call, fresh process, after start-up',
          goal: '≤ Powertools',
          measured: `${(ours.later / peer.later).toFixed(2)}× (${trips(ours.later)} vs ${trips(peer.later)} round trips)`,
          pass: ours.later <= peer.later,
        },
        {
          name: 'first call, fresh process, from the process start',
          goal: '≤ Powertools',
          measured: `${(ours.fromStart / peer.fromStart).toFixed(2)}× (${figure(ours.fromStart, 'ms')} vs ${figure(peer.fromStart, 'ms')})`,
          pass: ours.fromStart <= peer.fromStart,
        },
      ],
      notes: [
        `First call: median of ${RUNS} fresh processes a side, alternating; each child is plain JavaScript run by plain \`node\` (ours imports the built \`dist/\`), as a service runs. Under a TypeScript loader (\`node --import tsx\`) the figures differ: the loader's hooks run on a thread of their own, and every module imported after start-up — the AWS SDK, which secret-refs imports when a manager is created, not at import — waits on that thread; Powertools imports the SDK at start-up, before the loader's cost shows.`,
      ],
    };
  } finally {
    await sm.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await firstCallScenario();
  for (const row of result.rows)
    console.log(`${row.measure}: ${row.ours} vs ${row.powertools} (${row.ratio})`);
  for (const target of result.targets)
    console.log(`${target.name}: ${target.measured} — ${target.pass ? 'PASS' : 'MISS'}`);
}
