import { describe, expect, it } from 'vitest';
import { SecretRefError, SecretRefSyntaxError } from '../../src/errors.js';
import { formatSecretRef } from '../../src/ref/format.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import { scanSecretRefs } from '../../src/ref/scan.js';
import { findSecretRefs } from '../../src/resolve/find.js';

function refusal(input: string): SecretRefSyntaxError {
  try {
    parseSecretRef(input);
  } catch (error) {
    if (error instanceof SecretRefSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const ARN = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/url';

describe('Parameter Store references', () => {
  it.each([
    ['{{resolve:ssm:/app/url}}', { secretId: '/app/url', service: 'ssm' }],
    ['{{resolve:ssm-secure:/app/pw}}', { secretId: '/app/pw', service: 'ssm-secure' }],
    ['{{resolve:ssm:/app/url:3}}', { secretId: '/app/url', service: 'ssm', versionId: '3' }],
    [
      '{{resolve:ssm-secure:plain_name.v2-x:prod}}',
      { secretId: 'plain_name.v2-x', service: 'ssm-secure', versionStage: 'prod' },
    ],
    [`{{resolve:ssm:${ARN}:12}}`, { secretId: ARN, service: 'ssm', versionId: '12' }],
    [ARN, { secretId: ARN, service: 'ssm-secure' }],
    [`${ARN}:live`, { secretId: ARN, service: 'ssm-secure', versionStage: 'live' }],
    [
      'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x',
      { secretId: 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x', service: 'ssm-secure' },
    ],
  ])('parses %s', (text, ref) => {
    expect(parseSecretRef(text)).toStrictEqual(ref);
    expect(parseSecretRef(formatSecretRef(parseSecretRef(text)))).toStrictEqual(ref);
  });

  it('reads a name of 2,048 characters and refuses one longer, at the offset where it runs over', () => {
    const name = `/${'a'.repeat(2047)}`;
    expect(parseSecretRef(`{{resolve:ssm:${name}}}`).secretId).toBe(name);
    const error = refusal(`{{resolve:ssm:${name}b}}`);
    expect(error.code).toBe('invalid_reference');
    expect(error.offset).toBe(14 + 2048);
  });

  it.each([
    ['{{resolve:ssm:}}', 14, 'empty parameter name'],
    ['{{resolve:ssm:/a b}}', 16, 'invalid character'],
    ['{{resolve:ssm:/a:}}', 17, 'empty version or label'],
    ['{{resolve:ssm:/a:0}}', 17, 'numbered from 1'],
    ['{{resolve:ssm:/a:3x}}', 18, 'digits only'],
    ['{{resolve:ssm:/a:x:y}}', 18, 'one version or label'],
    [`{{resolve:ssm:/a:${'l'.repeat(101)}}}`, 117, 'longer than 100'],
    ['{{resolve:ssm:/a}}x', 18, 'unexpected text after "}}"'],
  ])('refuses %j at offset %i', (text, offset, reason) => {
    const error = refusal(text);
    expect(error.code).toBe('invalid_reference');
    expect(error.offset).toBe(offset);
    expect(error.reason).toContain(reason);
  });

  it('is found whole and embedded inside connection objects, next to Secrets Manager references', () => {
    const found = findSecretRefs({
      url: 'postgres://{{resolve:ssm:/app/user}}:{{resolve:secretsmanager:db:SecretString:pw}}@h/db',
      token: '{{resolve:ssm-secure:/app/token:2}}',
      arn: ARN,
    });
    expect(found.map(({ path, ref }) => ({ path, ref }))).toStrictEqual([
      { path: ['url'], ref: { secretId: '/app/user', service: 'ssm' } },
      { path: ['url'], ref: { secretId: 'db', jsonKey: 'pw' } },
      { path: ['token'], ref: { secretId: '/app/token', service: 'ssm-secure', versionId: '2' } },
    ]);
  });

  it('a bare parameter ARN inside a connection stays plain text, as every bare form does', () => {
    expect(scanSecretRefs(`x ${ARN} y`)).toStrictEqual([]);
  });

  it('formatSecretRef refuses what a Parameter Store reference cannot hold', () => {
    for (const ref of [
      { secretId: '/a', service: 'ssm', jsonKey: 'k' },
      { secretId: '/a', service: 'ssm', manager: 'c1' },
      { secretId: '/a', service: 'ssm', versionId: 'abc' },
      { secretId: '/a', service: 'ssm', versionStage: '1st' },
      { secretId: '/a:3', service: 'ssm' },
      { secretId: '/a', service: 'ssm', versionId: '1', versionStage: 'x' },
      { secretId: '/a', service: 'ssm-plain' },
    ]) {
      expect(() => formatSecretRef(ref as never), JSON.stringify(ref)).toThrow(SecretRefError);
    }
    expect(() => formatSecretRef({ secretId: '/a', service: 'ssm' }, { style: 'activepieces' })).toThrow(
      /activepieces/,
    );
    expect(formatSecretRef({ secretId: ARN, service: 'ssm-secure' }, { style: 'ecs' })).toBe(ARN);
    expect(() => formatSecretRef({ secretId: '/a', service: 'ssm' }, { style: 'ecs' })).toThrow(/ecs/);
  });
});
