import { describe, expect, it } from 'vitest';
import { SecretRefError, SecretRefSyntaxError } from '../../src/errors.js';
import { parseSecretRef } from '../../src/ref/parse.js';
import type { SecretRef } from '../../src/types.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:appauthexample-AbCdEf';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';

function syntaxError(input: string): SecretRefSyntaxError {
  try {
    parseSecretRef(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretRefSyntaxError);
    return error as SecretRefSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseSecretRef — CloudFormation dynamic references', () => {
  // Pattern and examples: AWS CloudFormation User Guide, "Get a secret or secret value from Secrets Manager"
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html) and
  // Secrets Manager User Guide, "Get a Secrets Manager secret in a CloudFormation resource"
  // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html).
  it.each<[string, SecretRef]>([
    ['{{resolve:secretsmanager:MySecret}}', { secretId: 'MySecret' }],
    ['{{resolve:secretsmanager:MySecret::::}}', { secretId: 'MySecret' }],
    ['{{resolve:secretsmanager:MySecret:SecretString}}', { secretId: 'MySecret' }],
    [
      '{{resolve:secretsmanager:MyRDSSecret:SecretString:username}}',
      { secretId: 'MyRDSSecret', jsonKey: 'username' },
    ],
    [
      '{{resolve:secretsmanager:MySecret:SecretString:password}}',
      { secretId: 'MySecret', jsonKey: 'password' },
    ],
    [
      '{{resolve:secretsmanager:MySecret:SecretString:password:AWSPREVIOUS}}',
      { secretId: 'MySecret', jsonKey: 'password', versionStage: 'AWSPREVIOUS' },
    ],
    [
      '{{resolve:secretsmanager:MySecret:::AWSPREVIOUS}}',
      { secretId: 'MySecret', versionStage: 'AWSPREVIOUS' },
    ],
    [
      `{{resolve:secretsmanager:MySecret:SecretString:password::${VERSION_ID}}}`,
      { secretId: 'MySecret', jsonKey: 'password', versionId: VERSION_ID },
    ],
    [`{{resolve:secretsmanager:MySecret::::${VERSION_ID}}}`, { secretId: 'MySecret', versionId: VERSION_ID }],
    [
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-a1b2c3:SecretString:password}}',
      {
        secretId: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-a1b2c3',
        jsonKey: 'password',
      },
    ],
    [
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-a1b2c3}}',
      { secretId: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-a1b2c3' },
    ],
    // The SPEC's embedded example, parsed on its own.
    ['{{resolve:secretsmanager:db:SecretString:password}}', { secretId: 'db', jsonKey: 'password' }],
  ])('%s', (input, expected) => {
    expect(parseSecretRef(input)).toStrictEqual(expected);
  });

  it('keeps a JSON key as written: dots, brackets, spaces and other characters are not interpreted', () => {
    expect(parseSecretRef('{{resolve:secretsmanager:app:SecretString:db.hosts[0]}}')).toStrictEqual({
      secretId: 'app',
      jsonKey: 'db.hosts[0]',
    });
    expect(
      parseSecretRef('{{resolve:secretsmanager:app:SecretString: a key/with=odd{chars} }}'),
    ).toStrictEqual({
      secretId: 'app',
      jsonKey: ' a key/with=odd{chars} ',
    });
  });
});

describe('parseSecretRef — Activepieces references', () => {
  // Activepieces writes `{{<connectionId>|ap_sep_v1|<path>}}` (SecretManagerFieldsSeparator in
  // packages/core/shared, secret-managers); its AWS provider's path is `secret-name:secret-json-key`, split at the
  // first ":" (placeholder "secret-name:secret-json-key" in the AWS provider metadata).
  it.each<[string, SecretRef]>([
    [
      '{{conn1|ap_sep_v1|db-credentials:password}}',
      { secretId: 'db-credentials', jsonKey: 'password', manager: 'conn1' },
    ],
    [
      '{{kM3vPq8xZ2nR5tYw7aB1c|ap_sep_v1|prod/api:token}}',
      { secretId: 'prod/api', jsonKey: 'token', manager: 'kM3vPq8xZ2nR5tYw7aB1c' },
    ],
    [
      '{{conn1|ap_sep_v1|arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password}}',
      {
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        jsonKey: 'password',
        manager: 'conn1',
      },
    ],
    // Our additions: the JSON key is optional (a plain-text secret), and it keeps any ":" after the first.
    ['{{conn1|ap_sep_v1|api-token}}', { secretId: 'api-token', manager: 'conn1' }],
    ['{{conn1|ap_sep_v1|api-token:}}', { secretId: 'api-token', manager: 'conn1' }],
    ['{{conn1|ap_sep_v1|db:a:b}}', { secretId: 'db', jsonKey: 'a:b', manager: 'conn1' }],
    ['{{conn1|ap_sep_v1|db:x|ap_sep_v1|y}}', { secretId: 'db', jsonKey: 'x|ap_sep_v1|y', manager: 'conn1' }],
    [
      '{{my_conn.v2-a|ap_sep_v1|rds!db-0a1b2c3d:password}}',
      { secretId: 'rds!db-0a1b2c3d', jsonKey: 'password', manager: 'my_conn.v2-a' },
    ],
  ])('%s', (input, expected) => {
    expect(parseSecretRef(input)).toStrictEqual(expected);
  });
});

describe('parseSecretRef — bare form (ECS valueFrom, CodeBuild)', () => {
  // ECS: "Pass Secrets Manager secrets through Amazon ECS environment variables"
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html), format
  // `arn:aws:secretsmanager:region:aws_account_id:secret:secret-name:json-key:version-stage:version-id`, with the
  // documentation's placeholders region/account replaced by real values.
  it.each<[string, SecretRef]>([
    [ARN, { secretId: ARN }],
    [`${ARN}:username1::`, { secretId: ARN, jsonKey: 'username1' }],
    [`${ARN}::AWSPREVIOUS:`, { secretId: ARN, versionStage: 'AWSPREVIOUS' }],
    [`${ARN}:::${VERSION_ID}`, { secretId: ARN, versionId: VERSION_ID }],
    [`${ARN}:username1:AWSPREVIOUS:`, { secretId: ARN, jsonKey: 'username1', versionStage: 'AWSPREVIOUS' }],
    [`${ARN}:username1::${VERSION_ID}`, { secretId: ARN, jsonKey: 'username1', versionId: VERSION_ID }],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::',
      { secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', jsonKey: 'password' },
    ],
  ])('ECS %s', (input, expected) => {
    expect(parseSecretRef(input)).toStrictEqual(expected);
  });

  // CodeBuild buildspec `env.secrets-manager`: `secret-id:json-key:version-stage:version-id`, where secret-id is a
  // name or an ARN (https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html).
  it.each<[string, SecretRef]>([
    ['my-secret', { secretId: 'my-secret' }],
    ['dockerhub:password', { secretId: 'dockerhub', jsonKey: 'password' }],
    ['prod/db:password:AWSCURRENT', { secretId: 'prod/db', jsonKey: 'password', versionStage: 'AWSCURRENT' }],
    [`prod/db:password::${VERSION_ID}`, { secretId: 'prod/db', jsonKey: 'password', versionId: VERSION_ID }],
    [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci/token-Ab12Cd:token',
      { secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci/token-Ab12Cd', jsonKey: 'token' },
    ],
  ])('CodeBuild %s', (input, expected) => {
    expect(parseSecretRef(input)).toStrictEqual(expected);
  });

  it('accepts partial ARNs (no random suffix) and every partition', () => {
    for (const [partition, region] of [
      ['aws', 'us-east-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
      ['aws-iso', 'us-iso-east-1'],
      ['aws-iso-b', 'us-isob-east-1'],
      ['aws-eusc', 'eusc-de-east-1'], // AWS European Sovereign Cloud
      ['aws-iso-e', 'eu-isoe-west-1'],
    ]) {
      const secretId = `arn:${partition}:secretsmanager:${region}:123456789012:secret:prod/db`;
      expect(parseSecretRef(`${secretId}:password`)).toStrictEqual({ secretId, jsonKey: 'password' });
      expect(parseSecretRef(`{{resolve:secretsmanager:${secretId}}}`)).toStrictEqual({ secretId });
    }
  });

  it('accepts names of AWS-managed secrets, which use "!"', () => {
    expect(parseSecretRef('rds!cluster-1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e:password')).toStrictEqual({
      secretId: 'rds!cluster-1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e',
      jsonKey: 'password',
    });
  });

  it('accepts every allowed name character and names of exactly 512 characters', () => {
    expect(parseSecretRef('aZ09/_+=.@-!')).toStrictEqual({ secretId: 'aZ09/_+=.@-!' });
    const name = 'n'.repeat(512);
    expect(parseSecretRef(name)).toStrictEqual({ secretId: name });
  });

  it('ignores surrounding whitespace, as in a value read from a file or an environment variable', () => {
    expect(parseSecretRef('  db:password\n')).toStrictEqual({ secretId: 'db', jsonKey: 'password' });
    expect(parseSecretRef('\t{{resolve:secretsmanager:db}} \r\n')).toStrictEqual({ secretId: 'db' });
  });

  it('reads "arn" alone as a name, but "arn:" always starts an ARN', () => {
    expect(parseSecretRef('arn')).toStrictEqual({ secretId: 'arn' });
    expect(syntaxError('arn:password').reason).toBe(
      'invalid ARN partition "password" (expected "aws", "aws-cn", "aws-us-gov", …)',
    );
  });
});

describe('parseSecretRef — errors say where and why', () => {
  it.each<[string, number, string]>([
    ['{{resolve:secretsmanager:db:SecretBinary}}', 28, 'expected "SecretString" but found "SecretBinary"'],
    ['{{resolve:secretsmanager:db:secretstring:k}}', 28, 'expected "SecretString" but found "secretstring"'],
    [
      '{{resolve:secretsmanager:db:SecretString:k:AWSCURRENT:v1}}',
      54,
      'versionStage and versionId are mutually exclusive',
    ],
    ['db:k:AWSCURRENT:v1', 16, 'versionStage and versionId are mutually exclusive'],
    ['{{resolve:secretsmanager:}}', 25, 'empty secret id'],
    ['{{resolve:secretsmanager::SecretString:k}}', 25, 'empty secret id'],
    ['{{resolve:secretsmanager:db#1}}', 27, 'secret name has invalid character "#"'],
    ['{{resolve:secretsmanager: db}}', 25, 'secret name has invalid character " "'],
    ['{{resolve:secretsmanager:db', 27, 'unterminated reference: missing "}}"'],
    ['{{conn1|ap_sep_v1|db:k', 22, 'unterminated reference: missing "}}"'],
    ['{{resolve:secretsmanager:db}}x', 29, 'unexpected text after "}}"'],
    [
      '{{resolve:secretsmanager:db:SecretString:k:s:v:x}}',
      46,
      'too many ":" segments: expected {{resolve:secretsmanager:<secret-id>[:SecretString[:<json-key>[:<version-stage>[:<version-id>]]]]}}',
    ],
    [
      'db:k:s:v:x',
      8,
      'too many ":" segments: expected <secret-id>[:<json-key>[:<version-stage>[:<version-id>]]]',
    ],
    ['db::bad stage', 7, 'version stage has invalid character " "'],
    ['db:::bad/id', 8, 'version id has invalid character "/"'],
    [`db:::${'v'.repeat(65)}`, 69, 'version id is longer than 64 characters'],
    [`db::${'s'.repeat(257)}`, 260, 'version stage is longer than 256 characters'],
    ['   ', 3, 'empty reference'],
    ['', 0, 'empty reference'],
    ['  db#', 4, 'secret name has invalid character "#"'],
    ['dbé', 2, 'secret name has invalid character "é"'],
    ['db😀x', 2, 'secret name has invalid character "😀"'],
    ['{{ resolve:secretsmanager:db}}', 2, 'unexpected whitespace after "{{"'],
    [
      '{{Resolve:SecretsManager:db}}',
      2,
      'expected "resolve:secretsmanager:" in lowercase but found "Resolve:SecretsManager"',
    ],
    ['{{resolve:secretsmanager}}', 24, 'expected ":" after "resolve:secretsmanager"'],
    [
      '{{RESOLVE:secretsmanager:db|ap_sep_v1|x}}',
      2,
      'expected "resolve:secretsmanager:" in lowercase but found "RESOLVE:secretsmanager"',
    ],
    [
      '{{step_1.output.token}}',
      2,
      'expected "resolve:secretsmanager:" or "<connectionId>|ap_sep_v1|" after "{{"',
    ],
    ['{{|ap_sep_v1|db:k}}', 2, 'empty connection id before "|ap_sep_v1|"'],
    ['{{my conn|ap_sep_v1|db}}', 4, 'connection id has invalid character " "'],
    ['{{c|ap_sep_v1|}}', 14, 'empty secret id'],
    ['{{c|ap_sep_v1|:k}}', 14, 'empty secret id'],
    ['{{c|ap_sep_v1|my secret:k}}', 16, 'secret name has invalid character " "'],
    ['arn:aws:s3:::bucket', 8, 'expected service "secretsmanager" in ARN but found "s3"'],
    [
      'arn:foo:secretsmanager:us-east-1:123456789012:secret:db',
      4,
      'invalid ARN partition "foo" (expected "aws", "aws-cn", "aws-us-gov", …)',
    ],
    ['arn:aws:secretsmanager:US-EAST-1:123456789012:secret:db', 23, 'invalid region "US-EAST-1" in ARN'],
    [
      'arn:aws:secretsmanager:us-east-1:12345:secret:db',
      33,
      'invalid account id "12345" in ARN: expected 12 digits',
    ],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:parameter:db',
      46,
      'expected resource type "secret" in ARN but found "parameter"',
    ],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret',
      52,
      'incomplete ARN: expected "arn:<partition>:secretsmanager:<region>:<account>:secret:<name>", missing the secret name',
    ],
    [
      'arn:aws',
      7,
      'incomplete ARN: expected "arn:<partition>:secretsmanager:<region>:<account>:secret:<name>", missing the service',
    ],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:', 53, 'empty secret name in ARN'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db#', 55, 'secret name has invalid character "#"'],
    [
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:12345:secret:db}}',
      58,
      'invalid account id "12345" in ARN: expected 12 digits',
    ],
  ])('%j → offset %i', (input, offset, reason) => {
    const error = syntaxError(input);
    expect(error).toBeInstanceOf(SecretRefError);
    expect(error.code).toBe('invalid_reference');
    expect(error.reason).toBe(reason);
    expect(error.offset).toBe(offset);
    expect(error.input).toBe(input);
    expect(error.message).toBe(`Invalid secret reference at offset ${offset}: ${reason}`);
  });

  it('rejects names longer than 512 characters at the 513th', () => {
    const error = syntaxError('n'.repeat(513));
    expect(error.offset).toBe(512);
    expect(error.reason).toBe('secret name is longer than 512 characters');
  });

  it('shortens long fragments it quotes', () => {
    const error = syntaxError(`{{resolve:secretsmanager:db:${'X'.repeat(500)}}}`);
    expect(error.reason).toBe(`expected "SecretString" but found "${'X'.repeat(40)}"…`);
  });

  it('rejects a value that is not a string with a syntax error, not a TypeError', () => {
    const error = syntaxError(42 as unknown as string);
    expect(error.reason).toBe('expected reference text but got number');
    expect(error.input).toBe('');
  });

  it('returns plain data with no undefined-valued keys', () => {
    const ref = parseSecretRef('{{resolve:secretsmanager:db:::AWSPREVIOUS}}');
    expect(Object.keys(ref)).toStrictEqual(['secretId', 'versionStage']);
  });
});
