import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { awsErrorBaseNameOf, awsErrorKind, awsErrorKindOf } from '../../src/provider/aws/error-names.js';
import { mapAwsError, mapAwsErrorCode } from '../../src/provider/aws/map-error.js';
import type { FetchResult } from '../../src/types.js';

const smMock = mockClient(SecretsManagerClient);
const REGION = 'us-east-1';
const context = { action: 'GetSecretValue', secretId: 'prod/db', region: REGION } as const;
const answerOf = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? result.payload.secretString : `error:${result.error.code}`;
const thrown = (name: string) =>
  Object.assign(new Error(`${name}: not allowed`), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

/** Every spelling of one AWS error that endpoints send: with and without `Exception`, a `__type`, a `Code:` URL. */
const SPELLINGS: readonly [string, string][] = [
  ['AccessDenied', 'access_denied'],
  ['AccessDeniedException', 'access_denied'],
  ['com.amazonaws.secretsmanager#AccessDeniedException', 'access_denied'],
  ['ResourceNotFound', 'secret_not_found'],
  ['com.amazonaws.secretsmanager#ResourceNotFoundException', 'secret_not_found'],
  [
    'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.secretsmanager/',
    'secret_not_found',
  ],
  ['Throttling', 'throttled'],
  ['ThrottlingException', 'throttled'],
  ['ExpiredToken', 'invalid_credentials'],
  ['ExpiredTokenException', 'invalid_credentials'],
  ['UnrecognizedClient', 'invalid_credentials'],
  ['DecryptionFailureException', 'decryption_failed'],
  ['ValidationException', 'invalid_request'],
  ['Validation', 'invalid_request'],
];

/** The text of a source file without its comments (TSDoc examples may quote error names). */
const codeOnly = (source: string): string =>
  source
    .split('\n')
    .filter((line) => !/^\s*(?:\/\/|\*|\/\*)/.test(line))
    .join('\n');

describe('AWS error names: one classification', () => {
  beforeEach(() => {
    smMock.reset();
  });

  for (const [name, code] of SPELLINGS) {
    it(`${name} means ${code}, thrown or in Errors[]`, () => {
      // Act
      const fromThrown = mapAwsError(thrown(name), context);
      const fromEntry = mapAwsErrorCode(name, 'message', context);

      // Assess
      expect(fromThrown.code).toBe(code);
      expect(fromEntry.code).toBe(code);
    });
  }

  it("KMS's refusals passed on by Parameter Store, in every spelling, mean decryption_failed; look-alikes do not", () => {
    for (const name of [
      'InvalidKeyId',
      'InvalidKeyIdException',
      'com.amazonaws.ssm#InvalidKeyId',
      'KMSAccessDeniedException',
      'KMSDisabledException',
      'KMSInvalidStateException',
      'KMS.DisabledException',
      'KMS.NotFoundException',
      'com.amazonaws.ssm#KMS.KMSInvalidStateException',
      'DecryptionFailure',
    ]) {
      expect(awsErrorKind(name), name).toBe('decryption_failed');
    }
    for (const name of ['KMS.', 'KMS', 'KMSKey', 'InvalidKeyIdentifier', 'NotKMS.Disabled']) {
      expect(awsErrorKind(name), name).toBeUndefined();
    }
    expect(awsErrorBaseNameOf(Object.assign(new Error('no'), { name: 'KMS.DisabledException' }))).toBe(
      'KMS.Disabled',
    );
    const hostile = Object.defineProperty({}, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    expect(awsErrorBaseNameOf(hostile)).toBeUndefined();
    expect(awsErrorKindOf(hostile)).toBeUndefined();
  });

  it('AccessDenied and AccessDeniedException are one kind; unknown names are no kind', () => {
    expect(awsErrorKind('AccessDenied')).toBe('access_denied');
    expect(awsErrorKind('AccessDeniedException')).toBe(awsErrorKind('AccessDenied'));
    expect(awsErrorKind('Exception')).toBeUndefined();
    expect(awsErrorKind('toString')).toBeUndefined();
    expect(awsErrorKind('__proto__')).toBeUndefined();
    expect(awsErrorKind(42)).toBeUndefined();
  });

  for (const name of ['AccessDenied', 'AccessDeniedException']) {
    it(`a batch call refused as ${name} falls back to GetSecretValue, and remembers it`, async () => {
      // Prepare
      smMock.on(BatchGetSecretValueCommand).rejects(thrown(name));
      smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => ({
        Name: input.SecretId,
        SecretString: `value-${input.SecretId}`,
      }));
      const provider = createAwsProvider({ region: REGION });

      // Act
      const first = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);
      const second = await provider.fetchMany([{ secretId: 'c' }, { secretId: 'd' }]);

      // Assess
      expect([...first, ...second].map(answerOf)).toEqual(['value-a', 'value-b', 'value-c', 'value-d']);
      expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(1);
    });

    it(`testConnection reads ${name} on ListSecrets as authenticated but not allowed to list`, async () => {
      // Prepare
      smMock.on(ListSecretsCommand).rejects(thrown(name));
      const provider = createAwsProvider({ region: REGION });

      // Act
      const result = await provider.testConnection();

      // Assess
      expect(result).toMatchObject({ ok: true, listAllowed: false });
    });
  }

  it('no file of the library compares an AWS error name outside the classification', () => {
    // Prepare: the local test endpoint writes error names, it does not read them.
    const root = join(import.meta.dirname, '../../src');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk(root);
    const allowed = new Set(['provider/aws/error-names.ts']);
    const writers = /^testing\//;

    // Act
    const offenders = files
      .map((path) => relative(root, path))
      .filter((path) => !allowed.has(path) && !writers.test(path))
      .filter((path) => {
        const code = codeOnly(readFileSync(join(root, path), 'utf8'));
        return (
          /['"`](?:[A-Z][A-Za-z]+Exception|AccessDenied|Throttling|ExpiredToken|DecryptionFailure|InternalServiceError|CredentialsProviderError)['"`]/.test(
            code,
          ) || /InvalidKeyId|KMS(?:AccessDenied|Disabled|InvalidState)|KMS\\?\./.test(code)
        );
      });

    // Assess
    expect(offenders).toEqual([]);
  });
});
