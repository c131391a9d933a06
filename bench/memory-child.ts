/**
 * Run by bench/memory.ts as `node --expose-gc --import tsx bench/memory-child.ts <ours|powertools> [maxSize]`:
 * fills a cache with 10,000 secrets of 1 KiB and prints the heap growth as JSON on standard output.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { createAwsSecretsManager } from '../src/provider/aws/create-aws-secrets-manager.js';
import { SECRET_BYTES, SECRET_COUNT } from './fixtures.js';
import { createBenchClient } from './mock-client.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const [mode = 'ours', maxSizeText] = process.argv.slice(2);
  const bench = createBenchClient();
  const byKey = mode.endsWith('-json');
  const names = Array.from({ length: SECRET_COUNT }, (_, n) => `mem/secret-${n}`);
  names.forEach((name, n) => {
    const text = `${n}:`.padEnd(SECRET_BYTES - 40, String.fromCharCode(97 + (n % 26)));
    bench.put(name, byKey ? JSON.stringify({ username: `app-${n}`, password: text }) : text);
  });
  bench.put('mem/warm-up', 'warm-up');
  let before = 0;
  let size = 0;
  let held: unknown;
  if (mode.startsWith('powertools')) {
    const provider = new SecretsProvider({ awsSdkV3Client: bench.client });
    await provider.get('mem/warm-up');
    provider.clearCache();
    before = heapUsed();
    bench.resetCalls();
    for (let start = 0; start < names.length; start += 100) {
      await Promise.all(
        names.slice(start, start + 100).map(async (name) => {
          const value = await provider.get(
            name,
            byKey ? { maxAge: 3600, transform: 'json' } : { maxAge: 3600 },
          );
          if (byKey && typeof (value as { password?: unknown }).password !== 'string')
            throw new Error('no key');
        }),
      );
    }
    held = provider;
    size = SECRET_COUNT;
  } else {
    const maxSize = Number(maxSizeText ?? SECRET_COUNT);
    const manager = createAwsSecretsManager({ client: bench.client, cache: { maxSize, ttlMs: 3_600_000 } });
    await manager.getSecrets(['mem/warm-up', 'mem/warm-up-absent']);
    manager.invalidate();
    before = heapUsed();
    bench.resetCalls();
    for (let start = 0; start < names.length; start += 1_000) {
      const slice = names.slice(start, start + 1_000);
      const results = await manager.getSecrets(byKey ? slice.map((name) => `${name}:password`) : slice);
      if (results.some((result) => !result.ok)) throw new Error('a read failed');
    }
    held = manager;
    size = manager.stats().size;
  }
  const after = heapUsed();
  process.stdout.write(
    `${JSON.stringify({ mode, deltaBytes: after - before, size, calls: bench.calls.total, held: typeof held })}\n`,
  );
}

await main();
