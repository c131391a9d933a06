import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRefSyntaxError } from '../../src/errors.js';
import { parseBraced, parseSecretRef } from '../../src/ref/parse.js';
import { scanSecretRefs } from '../../src/ref/scan.js';

const CANARY = 'CANARY-7f3a9c-do-not-leak';

function summary(text: string) {
  return scanSecretRefs(text).map((match) => ({
    start: match.start,
    end: match.end,
    text: match.text,
    ref: match.ref,
    error: match.error === undefined ? undefined : { offset: match.error.offset, reason: match.error.reason },
  }));
}

describe('scanSecretRefs', () => {
  it('finds a reference embedded in a longer string (the SPEC example)', () => {
    const text = 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@host/db';
    expect(summary(text)).toStrictEqual([
      {
        start: 15,
        end: 66,
        text: '{{resolve:secretsmanager:db:SecretString:password}}',
        ref: { secretId: 'db', jsonKey: 'password' },
        error: undefined,
      },
    ]);
  });

  it('finds both braced forms in order, whole or embedded', () => {
    const text = '{{conn1|ap_sep_v1|db:user}}:{{resolve:secretsmanager:db:SecretString:password}}';
    expect(summary(text).map(({ start, end, ref }) => ({ start, end, ref }))).toStrictEqual([
      { start: 0, end: 27, ref: { secretId: 'db', jsonKey: 'user', manager: 'conn1' } },
      { start: 28, end: 79, ref: { secretId: 'db', jsonKey: 'password' } },
    ]);
  });

  it.each([
    '{{step_1.output.token}}',
    "{{connections['x']}}",
    '{{ trigger.body }}',
    '{{resolve}}',
    '{{ resolve }}',
    '{{resolved.value}}',
    '{{resolve :ssm:/x}}',
    '{{}}',
    '{{{}}}',
    '{{',
    '}}',
    'db:password',
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::',
    'a | ap_sep_v1 | b',
    '{{a}} |ap_sep_v1| {{b}}',
  ])('leaves text that is not a reference alone: %j', (text) => {
    expect(scanSecretRefs(text)).toStrictEqual([]);
  });

  it('reports spans clearly meant as references, with the offset inside the span', () => {
    const text =
      'x {{resolve:secretsmanager:db:SecretBinary}} y {{ Resolve:SecretsManager:db }} z {{c1|ap_sep_v1|}}';
    expect(summary(text)).toStrictEqual([
      {
        start: 2,
        end: 44,
        text: '{{resolve:secretsmanager:db:SecretBinary}}',
        ref: undefined,
        error: { offset: 28, reason: 'expected "SecretString" but found "SecretBinary"' },
      },
      {
        start: 47,
        end: 78,
        text: '{{ Resolve:SecretsManager:db }}',
        ref: undefined,
        error: { offset: 2, reason: 'unexpected whitespace after "{{"' },
      },
      {
        start: 81,
        end: 98,
        text: '{{c1|ap_sep_v1|}}',
        ref: undefined,
        error: { offset: 15, reason: 'empty secret id' },
      },
    ]);
  });

  it('reports an unterminated reference as its opener only, never the text after it', () => {
    expect(summary('pw={{resolve:secretsmanager:db:SecretString:password')).toStrictEqual([
      {
        start: 3,
        end: 28,
        text: '{{resolve:secretsmanager:',
        ref: undefined,
        error: { offset: 25, reason: 'unterminated reference: missing "}}"' },
      },
    ]);
    expect(summary('{{ Resolve:SecretsManager db').map(({ text, error }) => ({ text, error }))).toStrictEqual(
      [
        {
          text: '{{ Resolve:SecretsManager',
          error: { offset: 25, reason: 'unterminated reference: missing "}}"' },
        },
      ],
    );
    expect(
      summary('x {{c|ap_sep_v1|db:k').map(({ start, text, error }) => ({ start, text, error })),
    ).toStrictEqual([
      {
        start: 2,
        text: '{{c|ap_sep_v1|',
        error: { offset: 14, reason: 'unterminated reference: missing "}}"' },
      },
    ]);
  });

  it('takes the innermost "{{" before a reference, so template braces around it do not hide it', () => {
    expect(
      summary('{{{resolve:secretsmanager:db}}}').map(({ start, end, ref }) => ({ start, end, ref })),
    ).toStrictEqual([{ start: 1, end: 30, ref: { secretId: 'db' } }]);
    expect(summary('{{a {{c|ap_sep_v1|db:k}}').map(({ start, ref }) => ({ start, ref }))).toStrictEqual([
      { start: 4, ref: { secretId: 'db', jsonKey: 'k', manager: 'c' } },
    ]);
  });

  it('reports a reference whose "}}" comes after another "{{" as unterminated, by its opener alone', () => {
    // The text after an unterminated opener may be anything (a literal password in a URL): it is never copied,
    // and a reference after it is still found.
    const text =
      'x:{{resolve:secretsmanager:db:SecretString:pw LITERAL-PASS {{step_1.id}} {{resolve:secretsmanager:db:SecretString:pw}}';
    const matches = scanSecretRefs(text);
    expect(matches.map((match) => match.text)).toStrictEqual([
      '{{resolve:secretsmanager:',
      '{{resolve:secretsmanager:db:SecretString:pw}}',
    ]);
    expect(matches[0]?.error?.reason).toBe('unterminated reference: missing "}}"');
    expect(matches[1]?.ref).toStrictEqual({ secretId: 'db', jsonKey: 'pw' });
    expect(
      scanSecretRefs('{{c|ap_sep_v1|db:pw LITERAL-PASS {{trigger.body}}').map((match) => match.text),
    ).toStrictEqual(['{{c|ap_sep_v1|']);
    expect(JSON.stringify(scanSecretRefs(text))).not.toContain('LITERAL-PASS');
  });

  it('refuses "{{" inside a reference', () => {
    expect(() => parseSecretRef('{{resolve:secretsmanager:db:SecretString:a{{b}}')).toThrow(
      expect.objectContaining({ offset: 42, reason: 'a reference cannot contain "{{"' }),
    );
  });

  it('returns one shared, frozen empty array when nothing matches', () => {
    const none = scanSecretRefs('plain text without braces');
    expect(none).toStrictEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(scanSecretRefs('{{step_1.output}}')).toBe(none);
    expect(scanSecretRefs(42 as unknown as string)).toBe(none);
  });

  // Linear time: a quadratic scan of these (10^10 steps and more) would not end within the test timeout, so the
  // test asserts what each scan finds rather than how long it takes (speed is measured in bench/).
  it.each<[string, string, number, string | undefined]>([
    ['{{ × 200,000', '{{'.repeat(200_000), 0, undefined],
    [
      'unterminated openers × 20,000',
      '{{resolve:secretsmanager:'.repeat(20_000),
      20_000,
      '{{resolve:secretsmanager:',
    ],
    ['unsupported openers × 20,000', '{{resolve:ssm:'.repeat(20_000), 20_000, '{{resolve:ssm:'],
    ['Activepieces openers × 20,000', '{{a|ap_sep_v1|'.repeat(20_000), 20_000, '{{a|ap_sep_v1|'],
    ['separator stems × 20,000', '{{a|ap_sep_'.repeat(20_000), 20_000, '{{a|ap_sep_'],
    ['templates then one separator', `${'{{x}}'.repeat(100_000)}|ap_sep_v1|`, 0, undefined],
    ['{{ and spaces', `${'{{ '.repeat(100_000)}}}`, 0, undefined],
    ['1,000,000 letters', 'a'.repeat(1_000_000), 0, undefined],
    ['{{a} × 100,000', `${'{{a}'.repeat(100_000)}}`, 0, undefined],
    ['a long service name', `{{resolve:${'s'.repeat(1_000_000)}`, 1, '{{resolve:'],
  ])('runs in linear time on adversarial input: %s', (_label, input, count, text) => {
    const matches = scanSecretRefs(input);
    expect(matches).toHaveLength(count);
    if (text !== undefined) {
      expect(matches.every((match) => match.text === text && match.error !== undefined)).toBe(true);
    }
  });

  it.each([
    `postgres://app:${CANARY}@host/{{resolve:secretsmanager:db#bad}}?p=${CANARY}`,
    `{{resolve:secretsmanager:db:SecretString:password ${CANARY}`,
    `{{conn1|ap_sep_v1|db:password=${CANARY}`,
    `${CANARY}{{resolve:secretsmanager:db:SecretBinary}}${CANARY}`,
    `{{resolve:ssm:/app/param ${CANARY}`,
    `${CANARY}{{resolve:secretsmanagr:db}}${CANARY}`,
  ])('never carries text outside the reference into an error (canary) %#', (text) => {
    const [match] = scanSecretRefs(text);
    expect(match?.error).toBeInstanceOf(SecretRefSyntaxError);
    const error = match?.error as SecretRefSyntaxError;
    expect(match?.text).not.toContain(CANARY);
    for (const rendered of [
      error.message,
      error.stack ?? '',
      String(error),
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
    ]) {
      expect(rendered).not.toContain(CANARY);
    }
    expect(error.cause).toBeUndefined();
  });

  it('gives each span the reference or error that parsing the span alone gives (the canonical fast path included)', () => {
    const piece = fc.constantFrom(
      '{{',
      '}}',
      '{',
      '}',
      'resolve:secretsmanager:',
      'resolve:SecretsManager:',
      'resolve:ssm:',
      ' resolve:secretsmanager:',
      'conn1|ap_sep_v1|',
      '|ap_sep_v2|',
      'db',
      'prod/db-1',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      ':',
      'SecretString',
      'SecretBinary',
      'password',
      'AWSPREVIOUS',
      '01234567-89ab-cdef-0123-456789abcdef',
      'bad name',
      '#',
      '{{resolve:secretsmanager:',
      '{{resolve:secretsmanager:db}}',
      '{{resolve:secretsmanager:prod/db-1:SecretString:password}}',
      '{{resolve:secretsmanager:db::password:AWSPREVIOUS}}',
    );
    let canonical = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        for (const match of scanSecretRefs(text)) {
          expect(text.slice(match.start, match.end)).toBe(match.text);
          let expected: { ref: unknown } | { error: unknown };
          try {
            expected = { ref: parseBraced(match.text, 0, match.text.length) };
          } catch (error) {
            expected = { error };
          }
          if ('ref' in expected) {
            if (match.text.startsWith('{{resolve:secretsmanager:')) canonical++;
            expect(match.error).toBeUndefined();
            expect(match.ref).toStrictEqual(expected.ref);
          } else {
            const error = expected.error as SecretRefSyntaxError;
            expect(match.ref).toBeUndefined();
            expect(match.error?.code).toBe(error.code);
            expect(match.error?.offset).toBe(error.offset);
            expect(match.error?.reason).toBe(error.reason);
            expect(match.error?.input).toBe(error.input);
          }
        }
      }),
      { numRuns: 2_000 },
    );
    expect(canonical).toBeGreaterThan(100);
  });
});
