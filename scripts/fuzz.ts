/**
 * `npm run fuzz`: a long fast-check run of the grammar and the resolver — `parseSecretRef` and `scanSecretRefs` on
 * 100,000 inputs each, `resolveConnection` on 20,000 random JSON values over the memory provider. The checks are
 * those of test/reliability (a typed error or a round-tripping ref; exact, ordered spans; the expected copy).
 * `FUZZ_RUNS` scales the grammar runs, `FUZZ_SEED` replays a run. Exits 1 on the first counterexample.
 */
import fc from 'fast-check';
import { checkParse, checkScan, grammarText, referenceText } from '../test/reliability/grammar-checks.js';
import { checkResolve, fuzzManager, jsonWithRefs } from '../test/reliability/resolve-checks.js';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('FUZZ_RUNS must be a positive whole number and FUZZ_SEED a whole number');
  process.exit(2);
}
const resolveRuns = Math.max(1, Math.round(runs / 5));

console.log(`fuzz: seed ${seed} (replay with FUZZ_SEED=${seed})`);

async function timed(label: string, run: () => Promise<string> | string): Promise<boolean> {
  const started = performance.now();
  try {
    const summary = await run();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`fuzz: ${label}: ${summary} in ${seconds} s`);
    return true;
  } catch (error) {
    console.error(`fuzz: ${label}: FAILED\n${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

const results = [
  await timed('parseSecretRef', () => {
    const seen = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(grammarText, referenceText, fc.string({ maxLength: 60 })), (input) => {
        seen[checkParse(input)]++;
      }),
      { numRuns: runs, seed },
    );
    return `${runs.toLocaleString('en-US')} inputs, ${seen.parsed.toLocaleString('en-US')} parsed and round-tripped, ${seen.refused.toLocaleString('en-US')} refused with a typed error`;
  }),
  await timed('scanSecretRefs', () => {
    const seen = { refs: 0, errors: 0 };
    fc.assert(
      fc.property(fc.oneof(grammarText, referenceText), (text) => {
        const counts = checkScan(text);
        seen.refs += counts.refs;
        seen.errors += counts.errors;
      }),
      { numRuns: runs, seed },
    );
    return `${runs.toLocaleString('en-US')} inputs, ${seen.refs.toLocaleString('en-US')} references, ${seen.errors.toLocaleString('en-US')} broken spans, no throw`;
  }),
  await timed('resolveConnection', async () => {
    const manager = fuzzManager();
    let refs = 0;
    await fc.assert(
      fc.asyncProperty(jsonWithRefs, async (pair) => {
        refs += await checkResolve(pair, manager);
      }),
      { numRuns: resolveRuns, seed },
    );
    return `${resolveRuns.toLocaleString('en-US')} JSON values, ${refs.toLocaleString('en-US')} references resolved, every copy as expected`;
  }),
];

if (results.includes(false)) process.exit(1);
