import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SECRET_BYTES, SECRET_COUNT } from './fixtures.js';
import { figure, ratio, type ScenarioResult } from './report.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const BOUND = 1_000;

interface Measured {
  deltaBytes: number;
  size: number;
  calls: number;
}

async function measure(args: string[]): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured;
}

const mib = (bytes: number): string => figure(bytes / 2 ** 20, 'MiB');

/**
 * Heap held by 10,000 cached secrets of 1 KiB, in a child process started with `--expose-gc`: our cache sized to
 * hold them all, our cache bounded to 1,000 entries, and Powertools (which has no bound).
 * @example
 *   const result = await memory();
 */
export async function memory(): Promise<ScenarioResult> {
  const all = await measure(['ours', String(SECRET_COUNT)]);
  const bounded = await measure(['ours', String(BOUND)]);
  const theirs = await measure(['powertools']);
  const allJson = await measure(['ours-json', String(SECRET_COUNT)]);
  const theirsJson = await measure(['powertools-json']);
  const perEntry = (measured: Measured) => measured.deltaBytes / SECRET_COUNT - SECRET_BYTES;
  const scenario = `memory, ${SECRET_COUNT.toLocaleString('en-US')} secrets × ${SECRET_BYTES} B`;
  const share = bounded.deltaBytes / all.deltaBytes;
  return {
    rows: [
      {
        scenario,
        measure: `heap growth, maxSize ${SECRET_COUNT.toLocaleString('en-US')} vs unbounded Map`,
        ours: mib(all.deltaBytes),
        powertools: mib(theirs.deltaBytes),
        ratio: ratio(all.deltaBytes, theirs.deltaBytes),
      },
      {
        scenario,
        measure: `heap growth, maxSize ${BOUND.toLocaleString('en-US')} vs unbounded Map`,
        ours: mib(bounded.deltaBytes),
        powertools: mib(theirs.deltaBytes),
        ratio: ratio(bounded.deltaBytes, theirs.deltaBytes),
      },
      {
        scenario,
        measure: 'bytes per entry beyond the 1 KiB value, read whole',
        ours: figure(perEntry(all), 'B'),
        powertools: figure(perEntry(theirs), 'B'),
        ratio: ratio(perEntry(all), perEntry(theirs)),
      },
      {
        scenario,
        measure: 'bytes per entry beyond the 1 KiB value, read by JSON key (parsed once, kept)',
        ours: figure(perEntry(allJson), 'B'),
        powertools: figure(perEntry(theirsJson), 'B'),
        ratio: ratio(perEntry(allJson), perEntry(theirsJson)),
      },
      {
        scenario,
        measure: `entries held (stats().size), maxSize ${SECRET_COUNT.toLocaleString('en-US')} / ${BOUND.toLocaleString('en-US')}`,
        ours: `${all.size} / ${bounded.size}`,
        powertools: `${theirs.size} (no bound)`,
        ratio: '—',
      },
      {
        scenario,
        measure: 'API calls to load them',
        ours: String(all.calls),
        powertools: String(theirs.calls),
        ratio: ratio(all.calls, theirs.calls),
      },
    ],
    targets: [
      {
        name: 'memory per cached entry read by JSON key, beyond the value',
        goal: '≤ 600 B',
        measured: figure(perEntry(allJson), 'B'),
        pass: perEntry(allJson) <= 600,
      },
      {
        name: 'memory bounded by maxSize',
        goal: `maxSize ${BOUND} holds ≤ ${BOUND} entries and ≤ 1/5 of the heap of ${SECRET_COUNT}`,
        measured: `${bounded.size} entries, ${(share * 100).toFixed(1)} % of the heap (${mib(bounded.deltaBytes)} vs ${mib(all.deltaBytes)})`,
        pass: bounded.size <= BOUND && share <= 0.2,
      },
    ],
    notes: [
      `Memory: each figure comes from its own child process (\`node --expose-gc --import tsx bench/memory-child.ts\`): \`heapUsed\` after three forced collections, before and after loading ${SECRET_COUNT.toLocaleString('en-US')} secrets of ${SECRET_BYTES} characters (the mock's own copies and the secret names, as flat strings, are allocated before the first reading). Each library first loads and drops 5,000 other secrets through the same calls, so the code compiled while it warms up (over 1 MiB, the SDK's included, once per process) is not counted per entry; each measure waits 100 ms for the last answers' callbacks to end. quick-lru keeps up to twice \`maxSize\` entries internally (a current and a previous generation), which is why the goal is 1/5 and not 1/10 of the heap.`,
    ],
  };
}
