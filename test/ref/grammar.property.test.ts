import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRefError, SecretRefSyntaxError } from '../../src/errors.js';
import { formatSecretRef } from '../../src/ref/format.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import { scanSecretRefs } from '../../src/ref/scan.js';
import type { SecretRef, SecretRefStyle } from '../../src/types.js';

const NAME_CHARS = [...'abcXYZ019/_+=.@-!'];
const VERSION_ID_CHARS = [...'abcdefABCDEF0123456789-_'];
const MANAGER_CHARS = [...'abcXYZ019_.-'];

const name = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 30 });
const arn = fc
  .record({
    partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b'),
    region: fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1', 'eu-isoe-west-1', 'ap-southeast-7'),
    account: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 }),
    name,
    suffix: fc.option(fc.string({ unit: fc.constantFrom(...'aZ09'), minLength: 6, maxLength: 6 }), {
      nil: '',
    }),
  })
  .map(
    ({ partition, region, account, name, suffix }) =>
      `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}${suffix === '' ? '' : `-${suffix}`}`,
  );
const secretId = fc.oneof(name, arn, fc.constant('arn'));
const jsonKey = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
  fc.constantFrom('db.hosts[0]', 'a:b', 'x}}y', 'ends}', ' spaced ', '{{', 'k|ap_sep_v1|v', '__proto__'),
);
const versionStage = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 20 });
const versionId = fc.string({ unit: fc.constantFrom(...VERSION_ID_CHARS), minLength: 1, maxLength: 64 });
const manager = fc.string({ unit: fc.constantFrom(...MANAGER_CHARS), minLength: 1, maxLength: 30 });

const secretRef: fc.Arbitrary<SecretRef> = fc
  .record({
    secretId,
    jsonKey: fc.option(jsonKey, { nil: undefined }),
    version: fc.oneof(
      fc.constant({}),
      versionStage.map((stage) => ({ versionStage: stage })),
      versionId.map((id) => ({ versionId: id })),
    ),
    manager: fc.option(manager, { nil: undefined }),
  })
  .map(({ secretId, jsonKey, version, manager }) => {
    const ref: SecretRef = { secretId, ...version };
    if (jsonKey !== undefined) ref.jsonKey = jsonKey;
    if (manager !== undefined) ref.manager = manager;
    return ref;
  });

const PARAMETER_NAME_CHARS = [...'abcXYZ019_.-/'];
const parameterName = fc.string({
  unit: fc.constantFrom(...PARAMETER_NAME_CHARS),
  minLength: 1,
  maxLength: 40,
});
const parameterArn = fc
  .record({
    partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
    region: fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-7'),
    account: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 }),
    name: parameterName,
  })
  .map(
    ({ partition, region, account, name }) => `arn:${partition}:ssm:${region}:${account}:parameter/${name}`,
  );
const label = fc
  .tuple(
    fc.constantFrom(...'abcXYZ_.-'),
    fc.string({ unit: fc.constantFrom(...'abcXYZ019_.-'), maxLength: 30 }),
  )
  .map(([first, rest]) => first + rest);
const parameterVersion = fc.integer({ min: 1, max: 10_000_000 }).map(String);

/** A Parameter Store reference: `ssm` or `ssm-secure`, a name or ARN, at most one of version and label. */
const parameterRef: fc.Arbitrary<SecretRef> = fc
  .record({
    service: fc.constantFrom('ssm' as const, 'ssm-secure' as const),
    secretId: fc.oneof(parameterName, parameterArn, fc.constant('arn')),
    version: fc.oneof(
      fc.constant({}),
      label.map((stage) => ({ versionStage: stage })),
      parameterVersion.map((id) => ({ versionId: id })),
    ),
  })
  .map(({ service, secretId, version }): SecretRef => ({ secretId, service, ...version }));

/** Either service's references. */
const anyRef = fc.oneof(secretRef, parameterRef);

/** Whether `style` can write `ref`, stated independently of the implementation. */
function expressible(ref: SecretRef, style: SecretRefStyle): boolean {
  if (ref.service !== undefined) {
    if (style === 'cloudformation') return true;
    const hasSelector = ref.versionStage !== undefined || ref.versionId !== undefined;
    return style === 'ecs' && ref.service === 'ssm-secure' && ref.secretId.startsWith('arn:') && !hasSelector;
  }
  const key = ref.jsonKey ?? '';
  const braceSafe = !key.includes('}}') && !key.includes('{{') && !key.endsWith('}');
  const hasTail = ref.jsonKey !== undefined || ref.versionStage !== undefined || ref.versionId !== undefined;
  if (ref.secretId === 'arn' && hasTail) return false;
  if (style === 'activepieces') {
    return (
      ref.manager !== undefined && ref.versionStage === undefined && ref.versionId === undefined && braceSafe
    );
  }
  if (ref.manager !== undefined || key.includes(':')) return false;
  return style === 'ecs' || braceSafe;
}

const STYLES: SecretRefStyle[] = ['cloudformation', 'ecs', 'activepieces'];

const TOKENS = [
  '{{',
  '}}',
  '{',
  '}',
  ':',
  '::',
  '|',
  ' ',
  '\n',
  'resolve:secretsmanager:',
  'Resolve:SecretsManager',
  'resolve:ssm:',
  'resolve:ssm-secure:',
  ':parameter/',
  'ssm:',
  '|ap_sep_v1|',
  'arn:',
  'aws',
  'aws-cn:',
  'secretsmanager:',
  'us-east-1:',
  '123456789012:',
  'secret:',
  'SecretString',
  'SecretBinary',
  'AWSCURRENT',
  'rds!db-1',
  'db',
  'conn1',
  'password',
  '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
  '"',
  '😀',
];
/** A valid reference in some style with one token inserted, or one character deleted, at a random place. */
const mutated = fc
  .tuple(
    secretRef,
    fc.constantFrom(...STYLES),
    fc.nat(),
    fc.option(fc.constantFrom(...TOKENS), { nil: undefined }),
  )
  .map(([ref, style, at, token]) => {
    const text = expressible(ref, style) ? formatSecretRef(ref, { style }) : ref.secretId;
    const cut = at % (text.length + 1);
    return token === undefined
      ? text.slice(0, cut) + text.slice(cut + 1)
      : text.slice(0, cut) + token + text.slice(cut);
  });
const hostile = fc.oneof(
  mutated,
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })), { maxLength: 24 })
    .map((parts) => parts.join('')),
  fc
    .tuple(
      fc.constantFrom(
        '{{resolve:secretsmanager:',
        '{{c|ap_sep_v1|',
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:',
        '',
      ),
      fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }),
    )
    .map(([head, parts]) => head + parts.join('')),
);

describe('grammar properties', () => {
  it('parseSecretRef(formatSecretRef(ref, { style })) deep-equals ref for every style able to express it', () => {
    fc.assert(
      fc.property(anyRef, (ref) => {
        for (const style of STYLES) {
          if (expressible(ref, style)) {
            const text = formatSecretRef(ref, { style });
            expect(parseSecretRef(text)).toStrictEqual(ref);
            expect(parseSecretRef(` \n${text}\t`)).toStrictEqual(ref);
          } else {
            expect(() => formatSecretRef(ref, { style })).toThrow(SecretRefError);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('scanSecretRefs finds a formatted braced reference embedded in plain text', () => {
    const plain = fc.string({ maxLength: 20 }).filter((text) => !/[{}|]/.test(text));
    fc.assert(
      fc.property(anyRef, plain, plain, (ref, before, after) => {
        for (const style of ['cloudformation', 'activepieces'] as const) {
          if (!expressible(ref, style)) continue;
          const reference = formatSecretRef(ref, { style });
          const matches = scanSecretRefs(`${before}${reference}${after}`);
          expect(matches).toHaveLength(1);
          expect(matches[0]).toMatchObject({
            start: before.length,
            end: before.length + reference.length,
            text: reference,
          });
          expect(matches[0]?.ref).toStrictEqual(ref);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('parseSecretRef on any string returns a SecretRef or throws a SecretRefSyntaxError, nothing else', () => {
    fc.assert(
      fc.property(hostile, (input) => {
        let ref: SecretRef;
        try {
          ref = parseSecretRef(input);
        } catch (error) {
          expect(error).toBeInstanceOf(SecretRefSyntaxError);
          const syntax = error as SecretRefSyntaxError;
          expect(syntax.input).toBe(input);
          expect(Number.isInteger(syntax.offset)).toBe(true);
          expect(syntax.offset).toBeGreaterThanOrEqual(0);
          expect(syntax.offset).toBeLessThanOrEqual(input.length);
          expect(syntax.reason.length).toBeGreaterThan(0);
          return;
        }
        expect(typeof ref.secretId).toBe('string');
        expect(ref.secretId.length).toBeGreaterThan(0);
        for (const value of Object.values(ref)) expect(typeof value).toBe('string');
      }),
      { numRuns: 10_000 },
    );
  });

  it('scanSecretRefs on any string never throws and returns ordered, in-bounds spans', () => {
    fc.assert(
      fc.property(hostile, (input) => {
        let previousEnd = 0;
        for (const match of scanSecretRefs(input)) {
          expect(match.start).toBeGreaterThanOrEqual(previousEnd);
          expect(match.end).toBeGreaterThan(match.start);
          expect(match.end).toBeLessThanOrEqual(input.length);
          expect(match.text).toBe(input.slice(match.start, match.end));
          expect(match.text.startsWith('{{')).toBe(true);
          expect((match.ref === undefined) !== (match.error === undefined)).toBe(true);
          if (match.error !== undefined) {
            expect(match.error).toBeInstanceOf(SecretRefSyntaxError);
            expect(match.error.input).toBe(match.text);
            expect(match.error.offset).toBeLessThanOrEqual(match.text.length);
          } else {
            expect(parseSecretRef(match.text)).toStrictEqual(match.ref);
          }
          previousEnd = match.end;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
