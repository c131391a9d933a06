import { describe, expect, it } from 'vitest';
import { SecretRefError, SecretRefSyntaxError, SecretResolutionError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import { scanSecretRefs } from '../../src/ref/scan.js';
import { findSecretRefs } from '../../src/resolve/find.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

function errorsOf(text: string) {
  return scanSecretRefs(text).map(({ start, text: span, ref, error }) => ({
    start,
    text: span,
    ref,
    code: error?.code,
    offset: error?.offset,
    reason: error?.reason,
  }));
}

function parseError(input: string): SecretRefSyntaxError {
  try {
    parseSecretRef(input);
  } catch (error) {
    if (error instanceof SecretRefSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const ONLY = 'is not supported: only "secretsmanager", "ssm" and "ssm-secure" are supported';

describe('unsupported and misspelt references are reported, never passed on', () => {
  it('scanSecretRefs reads Parameter Store references and reports another service and a misspelt one', () => {
    // Prepare
    const text =
      'a={{resolve:s3:/x}} b={{resolve:ssn:/x:1}} c={{resolve:secretsmanagr:db:SecretString:pw}} d={{step_1.output}} e={{resolve:ssm:/x}}';

    // Act
    const found = errorsOf(text);

    // Assess
    expect(found).toStrictEqual([
      {
        start: 2,
        text: '{{resolve:s3:/x}}',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 10,
        reason: `service "s3" ${ONLY}`,
      },
      {
        start: 22,
        text: '{{resolve:ssn:/x:1}}',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 10,
        reason: `service "ssn" ${ONLY}; did you mean "ssm"?`,
      },
      {
        start: 45,
        text: '{{resolve:secretsmanagr:db:SecretString:pw}}',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 10,
        reason: `service "secretsmanagr" ${ONLY}; did you mean "secretsmanager"?`,
      },
      {
        start: 112,
        text: '{{resolve:ssm:/x}}',
        ref: { secretId: '/x', service: 'ssm' },
        code: undefined,
        offset: undefined,
        reason: undefined,
      },
    ]);
  });

  it('parseSecretRef throws SecretRefSyntaxError with code unsupported_reference', () => {
    const error = parseError('{{resolve:ssmsecure:/app/param}}');

    expect(error).toBeInstanceOf(SecretRefError);
    expect(error.code).toBe('unsupported_reference');
    expect(error.offset).toBe(10);
    expect(error.input).toBe('{{resolve:ssmsecure:/app/param}}');
    expect(error.message).toBe(
      `Unsupported secret reference at offset 10: service "ssmsecure" ${ONLY}; did you mean "ssm-secure"?`,
    );
  });

  it.each([
    ['secretsmanagr', true],
    ['secretmanager', true],
    ['secrets-manager', true],
    ['secrets_manager', true],
    ['secretsmanagre', true],
    ['SecretsManger', true],
    ['secretsmanagerr', true],
    ['secretsmgr', false],
    ['secrets', false],
    ['kms', false],
    ['s3', false],
  ])('"did you mean" for a near miss only: %j → %s', (service, near) => {
    const error = parseError(`{{resolve:${service}:db}}`);

    expect(error.code).toBe('unsupported_reference');
    expect(error.reason).toContain(`service "${service}"`);
    expect(error.reason.endsWith('did you mean "secretsmanager"?')).toBe(near);
  });

  it.each([
    ['ssn', 'ssm'],
    ['sms', 'ssm'],
    ['ssm_secure', 'ssm-secure'],
    ['ssm-secur', 'ssm-secure'],
  ])('suggests the Parameter Store service for a near miss: %j → %j', (service, suggested) => {
    expect(parseError(`{{resolve:${service}:/p}}`).reason).toContain(`did you mean "${suggested}"?`);
  });

  it('reports every casing and leading whitespace (CloudFormation itself is case-sensitive)', () => {
    expect(errorsOf('{{Resolve:S3:/x}} {{ resolve:s3:/x }} {{RESOLVE:kms:/y}}')).toMatchObject([
      { code: 'unsupported_reference', reason: expect.stringContaining('service "S3"') },
      { code: 'unsupported_reference', offset: 11, reason: expect.stringContaining('service "s3"') },
      { code: 'unsupported_reference', reason: expect.stringContaining('service "kms"') },
    ]);
    // A Parameter Store reference in the wrong case or after whitespace is a malformed one, asking for lowercase.
    expect(errorsOf('{{Resolve:SSM:/x}} {{ resolve:ssm:/x }} {{RESOLVE:ssm-secure:/y}}')).toMatchObject([
      { code: 'invalid_reference', reason: 'expected "resolve:ssm:" in lowercase but found "Resolve:SSM"' },
      { code: 'invalid_reference', offset: 2, reason: 'unexpected whitespace after "{{"' },
      { code: 'invalid_reference', reason: expect.stringContaining('expected "resolve:ssm-secure:"') },
    ]);
    // A Secrets Manager reference in the wrong case stays a malformed one: invalid_reference, asking for lowercase.
    expect(parseError('{{Resolve:SecretsManager:db}}').code).toBe('invalid_reference');
    expect(errorsOf('{{resolve:SECRETSMANAGER:db}}')).toMatchObject([{ code: 'invalid_reference' }]);
  });

  it('an empty or overlong service name is unsupported too, without copying the name', () => {
    const long = 'x'.repeat(65);

    expect(errorsOf('{{resolve:}} {{resolve::x}}')).toMatchObject([
      {
        code: 'unsupported_reference',
        reason:
          'no service named after "resolve:": only "secretsmanager", "ssm" and "ssm-secure" are supported',
      },
      { code: 'unsupported_reference' },
    ]);
    const [overlong] = errorsOf(`{{resolve:${long}:x}}`);
    expect(overlong?.code).toBe('unsupported_reference');
    expect(overlong?.reason).not.toContain(long);
    // 64 characters are still read as a name (quoted shortened, as every fragment in a message is).
    expect(parseError(`{{resolve:${'y'.repeat(64)}}}`).reason).toContain(`service "${'y'.repeat(32)}`);
  });

  it('an unterminated unsupported reference is reported by its opener alone', () => {
    const text = `pw={{resolve:s3:/x ${CANARY} and {{resolve:ssm:/y ${CANARY} and {{resolve:kms}} more`;

    const found = scanSecretRefs(text);

    expect(found.map(({ text: span, error }) => ({ span, code: error?.code }))).toStrictEqual([
      { span: '{{resolve:s3:', code: 'unsupported_reference' },
      { span: '{{resolve:ssm:', code: 'invalid_reference' },
      { span: '{{resolve:kms}}', code: 'unsupported_reference' },
    ]);
    expectNoCanary(found);
    // A name that runs on with no ":" or "}}" is not copied at all.
    expect(scanSecretRefs(`{{resolve:${CANARY.replaceAll('-', '')}`)[0]?.text).toBe(
      `{{resolve:${CANARY.replaceAll('-', '')}`,
    );
    expect(scanSecretRefs(`{{resolve:${'Z'.repeat(80)}`)[0]?.text).toBe('{{resolve:');
  });

  it('an Activepieces reference with another or a misspelt separator is reported too', () => {
    const text =
      'a={{conn1|ap_sep_v2|db:password}} b={{conn1|ap_sep_vl|db}} c={{conn1|ap_sep_v1}} d={{c|ap_sep_v9|db:k';

    expect(errorsOf(text)).toStrictEqual([
      {
        start: 2,
        text: '{{conn1|ap_sep_v2|db:password}}',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 7,
        reason: 'Activepieces separator "|ap_sep_v2|" is not supported: only "|ap_sep_v1|" is',
      },
      {
        start: 36,
        text: '{{conn1|ap_sep_vl|db}}',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 7,
        reason: 'Activepieces separator "|ap_sep_vl|" is not supported: only "|ap_sep_v1|" is',
      },
      {
        start: 61,
        text: '{{conn1|ap_sep_v1}}',
        ref: undefined,
        code: 'invalid_reference',
        offset: 17,
        reason: 'expected "|" after "|ap_sep_v1"',
      },
      {
        start: 83,
        text: '{{c|ap_sep_v9|',
        ref: undefined,
        code: 'unsupported_reference',
        offset: 3,
        reason: 'Activepieces separator "|ap_sep_v9|" is not supported: only "|ap_sep_v1|" is',
      },
    ]);
    expect(parseError('{{conn1|ap_sep_v2|db}}').code).toBe('unsupported_reference');
    expect(parseSecretRef('{{conn1|ap_sep_v1|db:k|ap_sep_v2|}}')).toStrictEqual({
      secretId: 'db',
      jsonKey: 'k|ap_sep_v2|',
      manager: 'conn1',
    });
  });

  it('names only the service in the message, never the rest of the reference', () => {
    const [match] = scanSecretRefs(`{{resolve:s3:${CANARY}}}`);

    expect(match?.error?.message).not.toContain(CANARY);
    expect(match?.error?.reason).not.toContain(CANARY);
  });

  it('automation templates and other braces stay untouched', () => {
    for (const text of [
      '{{step_1.output}}',
      '{{ trigger.body }}',
      '{{resolve}}',
      '{{ resolve }}',
      '{{resolved.value}}',
      '{{resolver:x}}',
      '{{resolve :ssm:/x}}',
      'resolve:ssm:/x',
      '{{#if resolve}}x{{/if}}',
    ]) {
      expect({ text, found: scanSecretRefs(text) }).toStrictEqual({ text, found: [] });
    }
  });

  it('reads only a colon as the colon of "resolve:", never a control character that differs from it by case bit', () => {
    // U+001A is ":" with the 0x20 bit cleared, as "R" is "r": it is no casing of ":".
    for (const text of [
      '{{resolve\u001assm:/x}}',
      '{{resolve\u001asecretsmanager:db}}',
      'a {{Resolve\u001a}} b',
    ]) {
      expect({ text, found: scanSecretRefs(text) }).toStrictEqual({ text, found: [] });
      expect(findSecretRefs({ text })).toStrictEqual([]);
    }
  });

  it('findSecretRefs lists an unsupported reference with its path and error', () => {
    const found = findSecretRefs({
      props: { token: 'Bearer {{resolve:s3:/api/token}}', next: '{{step_1.id}}' },
    });

    expect(found).toMatchObject([
      {
        path: ['props', 'token'],
        text: '{{resolve:s3:/api/token}}',
        error: { code: 'unsupported_reference' },
      },
    ]);
  });

  it('resolveConnection fails with an issue for each unsupported reference, and passes none on', async () => {
    // Prepare
    const manager = createSecretManager(createMemoryProvider({ db: JSON.stringify({ password: CANARY }) }));
    const connection = {
      password: '{{resolve:secretsmanager:db:SecretString:password}}',
      apiKey: '{{resolve:ssm-secur:/x:1}}',
      url: 'https://{{resolve:secretsmanagr:db:SecretString:password}}@host',
      body: '{{trigger.body}}',
    };

    // Act
    const error = await resolveConnection(connection, manager).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(SecretResolutionError);
    const { issues } = error as SecretResolutionError;
    expect(issues.map(({ path }) => path)).toStrictEqual([['apiKey'], ['url']]);
    for (const issue of issues) {
      // `unsupported_reference` once resolve-connection takes the match's own code; `invalid_reference` before.
      expect(['unsupported_reference', 'invalid_reference']).toContain(issue.code);
    }
    expect(issues[0]?.message).toContain(`service "ssm-secur" ${ONLY}; did you mean "ssm-secure"?`);
    expect(issues[1]?.message).toContain('did you mean "secretsmanager"?');
    expectNoCanary(error);
  });
});
