import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanSecretRefs } from '../../src/ref/scan.js';
import { checkParse, checkScan, grammarText, referenceText } from './grammar-checks.js';
import { checkResolve, fuzzManager, jsonWithRefs } from './resolve-checks.js';

const RUNS = 20_000;

describe('the grammar under fuzzing', () => {
  it(`parseSecretRef: ${RUNS.toLocaleString('en-US')} inputs, a valid ref that round-trips or a typed syntax error`, () => {
    const seen = { parsed: 0, refused: 0 };

    fc.assert(
      fc.property(fc.oneof(grammarText, referenceText, fc.string({ maxLength: 40 })), (input) => {
        seen[checkParse(input)]++;
      }),
      { numRuns: RUNS },
    );

    console.log(
      `reliability: parseSecretRef fuzz: ${RUNS} inputs, ${seen.parsed} parsed, ${seen.refused} refused, 0 untyped`,
    );
    expect(seen.parsed).toBeGreaterThan(RUNS / 20);
    expect(seen.refused).toBeGreaterThan(RUNS / 20);
  });

  it(`scanSecretRefs: ${RUNS.toLocaleString('en-US')} inputs, never throws, spans exact and consistent with parse`, () => {
    const seen = { refs: 0, errors: 0 };

    fc.assert(
      fc.property(fc.oneof(grammarText, referenceText), (text) => {
        const counts = checkScan(text);
        seen.refs += counts.refs;
        seen.errors += counts.errors;
      }),
      { numRuns: RUNS },
    );

    console.log(
      `reliability: scanSecretRefs fuzz: ${RUNS} inputs, ${seen.refs} refs, ${seen.errors} broken spans, 0 throws`,
    );
    expect(seen.refs).toBeGreaterThan(RUNS / 20);
    expect(seen.errors).toBeGreaterThan(RUNS / 20);
  });

  it('the checks catch a wrong answer (they are not vacuous)', () => {
    expect(() => checkScan('{{resolve:secretsmanager:db}}')).not.toThrow();
    expect(checkScan('a {{resolve:secretsmanager:db}} b {{x|ap_sep_v1|y:z}}')).toEqual({
      refs: 2,
      errors: 0,
    });
    expect(checkParse('{{resolve:secretsmanager:db:SecretString:password}}')).toBe('parsed');
    expect(checkParse('{{resolve:secretsmanager:}}')).toBe('refused');
    expect(checkScan('a {{resolve:s3:/x}} {{ Resolve:secretsmanagr:db}} {{step_1.id}}')).toEqual({
      refs: 0,
      errors: 2,
    });
    expect(checkParse('{{resolve:ssm-secur:/x:1}}')).toBe('refused');
    expect(checkParse('{{resolve:ssm-secure:/x:1}}')).toBe('parsed');
    expect(checkScan('a {{resolve:ssm:/x}} b')).toEqual({ refs: 1, errors: 0 });
  });

  // A quadratic scan of these would not end within the test timeout; each is checked for what it finds, not timed.
  it('scans pathological text in linear time', () => {
    const inputs: [string, number][] = [
      ['{{'.repeat(100_000), 0],
      ['{{resolve:secretsmanager:'.repeat(20_000), 20_000],
      ['{{a|ap_sep_v1|'.repeat(20_000), 20_000],
      [`${'{'.repeat(200_000)}resolve:secretsmanager:db}}`, 1],
      [`{{resolve:secretsmanager:${'a:'.repeat(100_000)}}}`, 1],
      ['}}'.repeat(100_000), 0],
      ['{{resolve:ssm:'.repeat(20_000), 20_000],
      [`{{resolve:${'a'.repeat(1_000_000)}`, 1],
      [`{{ ${' '.repeat(1_000_000)}resolve:x}}`, 1],
      ['{{resolve:secretsmanagr}}'.repeat(20_000), 20_000],
    ];
    for (const [text, count] of inputs) expect(scanSecretRefs(text)).toHaveLength(count);
    // The full checks (spans, parse agreement, no {{resolve: passed on) on the inputs of one long match.
    for (const [text, count] of inputs.filter(([, n]) => n === 1)) {
      const { refs, errors } = checkScan(text);
      expect(refs + errors).toBe(count);
    }
  });
});

describe('resolveConnection under fuzzing', () => {
  it('random JSON with references (whole and embedded) resolves to the expected copy, input untouched', async () => {
    const manager = fuzzManager();
    let refs = 0;

    await fc.assert(
      fc.asyncProperty(jsonWithRefs, async (pair) => {
        refs += await checkResolve(pair, manager);
      }),
      { numRuns: 1_000 },
    );

    console.log(
      `reliability: resolveConnection fuzz: 1000 JSON values, ${refs} references resolved, 0 wrong`,
    );
    expect(refs).toBeGreaterThan(100);
  });
});
