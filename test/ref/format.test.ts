import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretRefConfigError, SecretRefError } from '../../src/errors.js';
import { formatSecretRef } from '../../src/ref/format.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import { validateSecretRef } from '../../src/ref/validate.js';
import type { SecretRef, SecretRefStyle } from '../../src/types.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';

function formatError(ref: unknown, style?: SecretRefStyle): SecretRefError {
  try {
    formatSecretRef(ref as SecretRef, style === undefined ? undefined : { style });
  } catch (error) {
    expect(error).toBeInstanceOf(SecretRefError);
    return error as SecretRefError;
  }
  throw new Error('expected formatSecretRef to throw');
}

describe('formatSecretRef', () => {
  it.each<[SecretRef, string, string]>([
    [{ secretId: 'db' }, '{{resolve:secretsmanager:db}}', 'db'],
    [
      { secretId: 'db', jsonKey: 'password' },
      '{{resolve:secretsmanager:db:SecretString:password}}',
      'db:password::',
    ],
    [
      { secretId: 'db', versionStage: 'AWSPREVIOUS' },
      '{{resolve:secretsmanager:db:SecretString::AWSPREVIOUS}}',
      'db::AWSPREVIOUS:',
    ],
    [
      { secretId: 'db', jsonKey: 'password', versionId: VERSION_ID },
      `{{resolve:secretsmanager:db:SecretString:password::${VERSION_ID}}}`,
      `db:password::${VERSION_ID}`,
    ],
    [
      { secretId: ARN, jsonKey: 'password' },
      `{{resolve:secretsmanager:${ARN}:SecretString:password}}`,
      `${ARN}:password::`,
    ],
  ])('%j', (ref, cloudformation, ecs) => {
    expect(formatSecretRef(ref)).toBe(cloudformation);
    expect(formatSecretRef(ref, { style: 'cloudformation' })).toBe(cloudformation);
    expect(formatSecretRef(ref, {})).toBe(cloudformation);
    expect(formatSecretRef(ref, { style: 'ecs' })).toBe(ecs);
    expect(parseSecretRef(cloudformation)).toStrictEqual(ref);
    expect(parseSecretRef(ecs)).toStrictEqual(ref);
  });

  it('writes the Activepieces form, with or without a JSON key', () => {
    expect(
      formatSecretRef({ secretId: ARN, jsonKey: 'password', manager: 'conn1' }, { style: 'activepieces' }),
    ).toBe(`{{conn1|ap_sep_v1|${ARN}:password}}`);
    expect(formatSecretRef({ secretId: 'token', manager: 'conn1' }, { style: 'activepieces' })).toBe(
      '{{conn1|ap_sep_v1|token}}',
    );
    expect(formatSecretRef({ secretId: 'db', jsonKey: 'a:b', manager: 'c' }, { style: 'activepieces' })).toBe(
      '{{c|ap_sep_v1|db:a:b}}',
    );
  });

  it('drops keys whose value is undefined', () => {
    const ref = { secretId: 'db', jsonKey: undefined, versionStage: undefined, manager: undefined };
    expect(formatSecretRef(ref)).toBe('{{resolve:secretsmanager:db}}');
    expect(validateSecretRef(ref)).toStrictEqual({ secretId: 'db' });
  });

  it.each<[unknown, SecretRefStyle | undefined, string]>([
    [
      { secretId: 'db', manager: 'c' },
      undefined,
      'the "cloudformation" style cannot express `manager`; use the "activepieces" style',
    ],
    [
      { secretId: 'db', manager: 'c' },
      'ecs',
      'the "ecs" style cannot express `manager`; use the "activepieces" style',
    ],
    [
      { secretId: 'db', jsonKey: 'a:b' },
      'cloudformation',
      'the "cloudformation" style cannot express a `jsonKey` containing ":"',
    ],
    [{ secretId: 'db', jsonKey: 'a:b' }, 'ecs', 'the "ecs" style cannot express a `jsonKey` containing ":"'],
    [
      { secretId: 'db', jsonKey: 'a}}b' },
      'cloudformation',
      'the "cloudformation" style cannot express a `jsonKey` containing "{{" or "}}", or ending with "}"',
    ],
    [
      { secretId: 'db', jsonKey: 'a}', manager: 'c' },
      'activepieces',
      'the "activepieces" style cannot express a `jsonKey` containing "{{" or "}}", or ending with "}"',
    ],
    [{ secretId: 'db' }, 'activepieces', 'the "activepieces" style needs `manager` (the connection id)'],
    [
      { secretId: 'db', manager: 'c', versionStage: 'AWSPREVIOUS' },
      'activepieces',
      'the "activepieces" style cannot express `versionStage` or `versionId`',
    ],
    [
      { secretId: 'db', versionStage: 'AWSPREVIOUS', versionId: VERSION_ID },
      undefined,
      '`versionStage` and `versionId` are mutually exclusive',
    ],
    [{ secretId: '' }, undefined, '`secretId` must not be empty'],
    [{}, undefined, '`secretId` must be a string, got undefined'],
    [{ secretId: 'db', jsonKey: '' }, undefined, '`jsonKey` must not be empty; omit it'],
    [{ secretId: 'db', jsonKey: 3 }, undefined, '`jsonKey` must be a string, got number'],
    [
      { secretId: 'db:password' },
      undefined,
      '`secretId` "db:password" has ":" at offset 2 outside an ARN; put a JSON key in `jsonKey`',
    ],
    [
      { secretId: 'my secret' },
      undefined,
      '`secretId` "my secret": secret name has invalid character " " at offset 2',
    ],
    [
      { secretId: 'arn:aws:ssm:us-east-1:123456789012:parameter:x' },
      undefined,
      '`secretId` "arn:aws:ssm:us-east-1:123456789012:parameter:x": expected service "secretsmanager" in ARN but found "ssm" at offset 8',
    ],
    [
      { secretId: 'db', versionStage: 'a b' },
      undefined,
      '`versionStage` has invalid character " " at offset 1',
    ],
    [{ secretId: 'db', versionId: 'a/b' }, undefined, '`versionId` has invalid character "/" at offset 1'],
    [{ secretId: 'db', manager: 'a|b' }, 'activepieces', '`manager` has invalid character "|" at offset 1'],
    [null, undefined, 'expected an object with a `secretId`, got null'],
    ['db', undefined, 'expected an object with a `secretId`, got string'],
  ])('rejects %j (style %s)', (ref, style, message) => {
    const error = formatError(ref, style);
    expect(error.code).toBe('invalid_reference');
    expect(error.message).toBe(`Invalid secret reference: ${message}`);
  });

  it('never repeats a JSON key, stage or manager in an error (canary)', () => {
    const canary = 'CANARY-7f3a9c-do-not-leak';
    for (const [ref, style] of [
      [{ secretId: 'db', jsonKey: `${canary}:x` }, 'ecs'],
      [{ secretId: 'db', jsonKey: `${canary}}}` }, 'cloudformation'],
      [{ secretId: 'db', versionStage: `${canary} x` }, 'cloudformation'],
      [{ secretId: 'db', versionId: `${canary}/x` }, 'cloudformation'],
      [{ secretId: 'db', manager: `${canary}|` }, 'activepieces'],
      [{ secretId: 'db', jsonKey: canary, manager: 'c' }, 'ecs'],
    ] as const) {
      const error = formatError(ref, style);
      for (const rendered of [
        error.message,
        error.stack ?? '',
        String(error),
        inspect(error, { depth: 5 }),
      ]) {
        expect(rendered).not.toContain(canary);
      }
    }
  });

  it('rejects an unknown style at once, naming the option', () => {
    for (const options of [{ style: 'yaml' }, { style: 3 }]) {
      let caught: unknown;
      try {
        formatSecretRef({ secretId: 'db' }, options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SecretRefConfigError);
      expect((caught as SecretRefConfigError).option).toBe('style');
      expect((caught as SecretRefConfigError).code).toBe('invalid_config');
      expect((caught as Error).message).toMatch(
        /^Option `style` must be "cloudformation", "ecs" or "activepieces", got /,
      );
    }
  });
});
