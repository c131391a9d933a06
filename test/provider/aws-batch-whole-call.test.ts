import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsSecretsManager, resolveConnection, SecretResolutionError } from '../../src/index.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const smMock = mockClient(SecretsManagerClient);
const REGION = 'us-east-1';
const arnOf = (name: string): string => `arn:aws:secretsmanager:${REGION}:123456789012:secret:${name}-AbCdEf`;

/** An exception as the SDK throws it for an AWS error answer. */
const awsError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

const noCurrentValue = () =>
  awsError(
    'ResourceNotFoundException',
    "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
  );

/** GetSecretValue as AWS answers it: `gone` has no current value, every other secret its own. */
function answerGetPerSecret(): void {
  smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    const id = input.SecretId ?? '';
    if (id === 'gone') throw noCurrentValue();
    return { ARN: arnOf(id), Name: id, SecretString: id === 'canary' ? CANARY : `value-${id}` };
  });
}

const answerOf = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? result.payload.secretString : `error:${result.error.code}`;

describe('a BatchGetSecretValue call that fails as a whole', () => {
  beforeEach(() => {
    smMock.reset();
    answerGetPerSecret();
  });

  it('one secret without a current value does not fail the others: each id gets its own answer', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).rejects(noCurrentValue());
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'gone' }, { secretId: 'b' }]);

    // Assess
    expect(results.map(answerOf)).toEqual(['value-a', 'error:secret_not_found', 'value-b']);
    expect(results[1]?.ok === false && results[1].error.ref).toBe('gone');
    expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(1);
    expect(
      smMock
        .commandCalls(GetSecretValueCommand)
        .map((call) => call.args[0].input.SecretId)
        .sort(),
    ).toEqual(['a', 'b', 'gone']);
  });

  it('a resolve reports only the secret at fault, never a value', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).rejects(noCurrentValue());
    const manager = createAwsSecretsManager({ region: REGION });
    const connection = {
      user: '{{resolve:secretsmanager:a}}',
      password: '{{resolve:secretsmanager:canary}}',
      token: '{{resolve:secretsmanager:gone}}',
    };

    // Act
    const failure = await resolveConnection(connection, manager).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(SecretResolutionError);
    const issues = (failure as SecretResolutionError).issues;
    expect(issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['token', 'secret_not_found'],
    ]);
    expectNoCanary(failure);
  });

  it('another per-id fault (a validation error) is also asked id by id', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).rejects(awsError('ValidationException', 'one id is malformed'));
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'canary' }]);

    // Assess
    expect(results.map(answerOf)).toEqual(['value-a', CANARY]);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('asks at most 10 ids at a time when a batch of 20 fails as a whole', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    smMock.on(BatchGetSecretValueCommand).rejects(noCurrentValue());
    smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { ARN: arnOf(input.SecretId ?? ''), Name: input.SecretId, SecretString: 'v' };
    });
    const provider = createAwsProvider({ region: REGION });
    const ids = Array.from({ length: 20 }, (_, index) => ({ secretId: `s${index}` }));

    // Act
    const results = await provider.fetchMany(ids);

    // Assess
    expect(results.every((result) => result.ok)).toBe(true);
    expect(peak).toBe(10);
  });

  for (const [label, error, code] of [
    ['throttled', awsError('ThrottlingException', 'Rate exceeded'), 'throttled'],
    ['a server error', awsError('InternalServiceError', 'oops', 500), 'provider_error'],
    ['refused credentials', awsError('UnrecognizedClientException', 'bad key'), 'invalid_credentials'],
    [
      'a network failure',
      Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED' }),
      'network',
    ],
  ] as const) {
    it(`a batch call that failed for the call itself (${label}) is every id's answer, without a call per id`, async () => {
      // Prepare
      smMock.on(BatchGetSecretValueCommand).rejects(error);
      const provider = createAwsProvider({ region: REGION });

      // Act
      const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

      // Assess
      expect(results.map(answerOf)).toEqual([`error:${code}`, `error:${code}`]);
      expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    });
  }
});
