/**
 * Run by bench/memory.ts as `node --expose-gc --import tsx bench/memory-child.ts <ours|powertools> [maxSize]`:
 * fills a cache with 10,000 secrets of 1 KiB and prints the heap growth as JSON on standard output.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { createAwsSecretsManager } from '../src/manager/create-aws-secrets-manager.js';
import { SECRET_BYTES, SECRET_COUNT } from './fixtures.js';
import { createBenchClient } from './mock-client.js';

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * Secrets read and dropped before the measure, through the same calls: the code compiled while a library warms up
 * (over 1 MiB, the SDK's included) is held once per process, not per entry.
 */
const WARM_UP_COUNT = 5_000;

/**
 * The heap in use once the work begun has ended (the last answers' callbacks run a moment after the reads
 * resolve; measured at once, they held a varying part of a batch) and after three forced collections.
 */
async function heapUsed(): Promise<number> {
  if (!gc) throw new Error('run with --expose-gc');
  await new Promise((done) => setTimeout(done, 100));
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** The names of `count` secrets, as flat strings (a name built by a template is a pair that a first read flattens). */
function secretNames(prefix: string, count: number): string[] {
  return JSON.parse(JSON.stringify(Array.from({ length: count }, (_, n) => `${prefix}/secret-${n}`)));
}

async function main(): Promise<void> {
  const [mode = 'ours', maxSizeText] = process.argv.slice(2);
  const bench = createBenchClient();
  const byKey = mode.endsWith('-json');
  const names = secretNames('mem', SECRET_COUNT);
  const warmUp = secretNames('warm', WARM_UP_COUNT);
  for (const list of [names, warmUp]) {
    list.forEach((name, n) => {
      const text = `${n}:`.padEnd(SECRET_BYTES - 40, String.fromCharCode(97 + (n % 26)));
      bench.put(name, byKey ? JSON.stringify({ username: `app-${n}`, password: text }) : text);
    });
  }
  let before = 0;
  let size = 0;
  let held: unknown;
  if (mode.startsWith('powertools')) {
    const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
    const load = async (list: string[]) => {
      for (let start = 0; start < list.length; start += 100) {
        await Promise.all(
          list.slice(start, start + 100).map(async (name) => {
            const value = await provider.get(
              name,
              byKey ? { maxAge: 3600, transform: 'json' } : { maxAge: 3600 },
            );
            if (byKey && typeof (value as { password?: unknown }).password !== 'string')
              throw new Error('no key');
          }),
        );
      }
    };
    await load(warmUp);
    provider.clearCache();
    before = await heapUsed();
    bench.resetCalls();
    await load(names);
    held = provider;
    size = SECRET_COUNT;
  } else {
    const maxSize = Number(maxSizeText ?? SECRET_COUNT);
    const manager = createAwsSecretsManager({ client: bench.client, cache: { maxSize, ttlMs: 3_600_000 } });
    const load = async (list: string[]) => {
      for (let start = 0; start < list.length; start += 1_000) {
        const slice = list.slice(start, start + 1_000);
        const results = await manager.getSecrets(byKey ? slice.map((name) => `${name}:password`) : slice);
        if (results.some((result) => !result.ok)) throw new Error('a read failed');
      }
    };
    await manager.getSecrets(['mem/warm-up-absent']);
    await load(warmUp);
    manager.invalidate();
    before = await heapUsed();
    bench.resetCalls();
    await load(names);
    held = manager;
    size = manager.stats().size;
  }
  const after = await heapUsed();
  process.stdout.write(
    `${JSON.stringify({ mode, deltaBytes: after - before, size, calls: bench.calls.total, held: typeof held })}\n`,
  );
}

await main();
