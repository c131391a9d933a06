import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SecretRefError, SecretRefSyntaxError } from '../../src/errors.js';
import { formatSecretRef } from '../../src/ref/format.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import { scanSecretRefs } from '../../src/ref/scan.js';
import type { SecretRef, SecretRefMatch } from '../../src/types.js';

/**
 * Pieces of the reference grammar and of the text around it; random strings built from them reach the grammar's
 * corners far more often than random characters alone.
 */
export const FRAGMENTS = [
  '{{',
  '}}',
  '{',
  '}',
  'resolve:secretsmanager:',
  'RESOLVE:SecretsManager:',
  ' resolve : secretsmanager :',
  'resolve:ssm:',
  'resolve:ssm-secure:',
  'Resolve:',
  'resolve:secretsmanagr:',
  'resolve:',
  ':',
  '::',
  'SecretString',
  'SecretBinary',
  '|ap_sep_v1|',
  '|ap_sep_v2|',
  '|ap_sep_',
  '|',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:',
  'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:',
  'arn:',
  'db',
  'prod/db-AbCdEf',
  'rds!cluster-1',
  'password',
  'db.hosts[0]',
  'AWSCURRENT',
  'AWSPREVIOUS',
  '01234567-89ab-cdef-0123-456789abcdef',
  'conn_1',
  'step_1.output',
  '__proto__',
  ' ',
  '\n',
  '\t',
  '\u00a0',
  '\\',
  '"',
  '.',
  '[0]',
  'é',
  '😀',
  '\u0000',
  '\ud800',
];

/** Strings assembled from {@link FRAGMENTS} and random text. */
export const grammarText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

const secretIds = fc.constantFrom(
  'db',
  'prod/db',
  'rds!cluster-1',
  'a+b=c.d@e-f_g',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
  'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x',
  '',
  'bad id',
  'é',
);
const segments = fc.array(
  fc.constantFrom(
    'SecretString',
    'SecretBinary',
    'password',
    'db.hosts[0]',
    'AWSPREVIOUS',
    '',
    'a}b',
    'x|y',
    'é',
  ),
  { maxLength: 5 },
);

/** Text holding one near-valid reference (CloudFormation or Activepieces form, whole or embedded). */
export const referenceText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', 'postgres://app:', ' ', '{{step_1.output}} '),
    fc.constantFrom(
      '{{resolve:secretsmanager:',
      '{{ resolve:secretsmanager:',
      '{{conn_1|ap_sep_v1|',
      '{{|ap_sep_v1|',
      '{{resolve:ssm:',
      '{{Resolve:ssm-secure:',
      '{{resolve:secretsmanagr:',
      '{{conn_1|ap_sep_v2|',
    ),
    secretIds,
    segments,
    fc.constantFrom('}}', '}}}', '}', ''),
    fc.constantFrom('', '@host/db', ' {{resolve:secretsmanager:db}}', '{{'),
  )
  .map(([before, opener, id, tail, closer, after]) => {
    const body = opener.includes('ap_sep_v1') ? [id, ...tail.slice(0, 1)] : [id, ...tail];
    return `${before}${opener}${body.join(':')}${closer}${after}`;
  });

/** Throws a plain `Error` when `condition` is false, so the checks run under vitest and in scripts alike. */
function check(condition: boolean, what: string, input: string): asserts condition {
  if (!condition) throw new Error(`${what} — input ${JSON.stringify(input)}`);
}

function checkShape(ref: SecretRef, input: string): void {
  check(ref !== null && typeof ref === 'object' && !Array.isArray(ref), 'result is a plain object', input);
  check(typeof ref.secretId === 'string' && ref.secretId !== '', 'secretId is a non-empty string', input);
  for (const [key, value] of Object.entries(ref)) {
    check(typeof value === 'string', `${key} is a string, never undefined`, input);
  }
  check(
    !(ref.versionStage !== undefined && ref.versionId !== undefined),
    'stage and id are exclusive',
    input,
  );
}

function checkRoundTrip(ref: SecretRef, input: string): void {
  let text: string;
  try {
    text = formatSecretRef(ref, { style: ref.manager === undefined ? 'cloudformation' : 'activepieces' });
  } catch (error) {
    check(
      error instanceof SecretRefError,
      `formatSecretRef throws only SecretRefError (${String(error)})`,
      input,
    );
    return;
  }
  check(isDeepStrictEqual(parseSecretRef(text), ref), `parse(format(ref)) equals ref (via ${text})`, input);
}

/**
 * `parseSecretRef` on any text: a well-formed `SecretRef` that survives a format round trip, or a
 * `SecretRefSyntaxError` whose offset lies inside the input. Returns which of the two it was.
 * @example
 *   checkParse('db:password'); // 'parsed'
 */
export function checkParse(input: string): 'parsed' | 'refused' {
  let ref: SecretRef;
  try {
    ref = parseSecretRef(input);
  } catch (error) {
    check(
      error instanceof SecretRefSyntaxError,
      `throws only SecretRefSyntaxError (${String(error)})`,
      input,
    );
    check(
      error.code === 'invalid_reference' || error.code === 'unsupported_reference',
      'code is invalid_reference or unsupported_reference',
      input,
    );
    check(
      error.code !== 'unsupported_reference' ||
        /\{\{[\t\n\v\f\r ]*resolve:/i.test(input) ||
        input.includes('|ap_sep_'),
      'unsupported_reference only for a {{resolve:…}} span or an Activepieces separator',
      input,
    );
    check(
      error.offset >= 0 && error.offset <= input.length,
      `offset ${error.offset} inside the input`,
      input,
    );
    check(typeof error.reason === 'string' && error.reason !== '', 'has a reason', input);
    return 'refused';
  }
  checkShape(ref, input);
  checkRoundTrip(ref, input);
  return 'parsed';
}

/**
 * `scanSecretRefs` on any text: never throws; matches are in order, do not overlap, start with `{{`, hold the
 * exact span, and agree with `parseSecretRef` on that span. Returns how many references and broken spans it found.
 * @example
 *   checkScan('x {{resolve:secretsmanager:db}} y'); // { refs: 1, errors: 0 }
 */
export function checkScan(text: string): { refs: number; errors: number } {
  const matches = scanSecretRefs(text);
  const counts = { refs: 0, errors: 0 };
  let previousEnd = 0;
  for (const match of matches) {
    check(match.start >= previousEnd, 'matches are ordered and do not overlap', text);
    check(match.end > match.start && match.end <= text.length, 'match lies inside the text', text);
    check(match.text === text.slice(match.start, match.end), 'match text is the exact span', text);
    check(text.startsWith('{{', match.start), 'match starts with {{', text);
    previousEnd = match.end;
    if (match.error) {
      check(match.ref === undefined, 'a match has a ref or an error, not both', text);
      check(match.error instanceof SecretRefSyntaxError, 'error is a SecretRefSyntaxError', text);
      check(match.error.input === match.text, 'error input is the span', text);
      check(match.error.offset >= 0 && match.error.offset <= match.text.length, 'error offset in span', text);
      check(
        match.error.code === 'invalid_reference' || match.error.code === 'unsupported_reference',
        'error code is invalid_reference or unsupported_reference',
        text,
      );
      counts.errors++;
    } else {
      checkShape(match.ref, text);
      check(isDeepStrictEqual(parseSecretRef(match.text), match.ref), 'scan agrees with parse', text);
      counts.refs++;
    }
  }
  checkNoResolveSpanPassedOn(text, matches);
  return counts;
}

const RESOLVE_OPENER = /[\t\n\v\f\r ]*resolve:/iy;

/** Every `{{resolve:…` (any service, any case, after whitespace; innermost `{{`) starts a match: none is passed on. */
function checkNoResolveSpanPassedOn(text: string, matches: readonly SecretRefMatch[]): void {
  const starts = new Set(matches.map((match) => match.start));
  for (let open = text.indexOf('{{'); open !== -1; open = text.indexOf('{{', open + 1)) {
    if (text.charCodeAt(open + 2) === 123 /* { */) continue;
    RESOLVE_OPENER.lastIndex = open + 2;
    if (RESOLVE_OPENER.test(text))
      check(starts.has(open), `the {{resolve: span at ${open} is reported`, text);
  }
}
