import {
  BatchGetSecretValueCommand,
  type BatchGetSecretValueCommandInput,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const smMock = mockClient(SecretsManagerClient);
const ACCOUNT = '123456789012';
const arnOf = (name: string, region = 'us-east-1'): string =>
  `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-AbCdEf`;
const names = (count: number): string[] => Array.from({ length: count }, (_, index) => `s${index}`);
const deniedBatch = () =>
  Object.assign(new Error('User is not authorized to perform: secretsmanager:BatchGetSecretValue'), {
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

function answerBatchFromIds(): void {
  smMock.on(BatchGetSecretValueCommand).callsFake(async (input: BatchGetSecretValueCommandInput) => ({
    SecretValues: (input.SecretIdList ?? []).map((id) => ({
      ARN: arnOf(id),
      Name: id,
      SecretString: `value-${id}`,
    })),
    Errors: [],
  }));
}

function answerGetFromIds(): void {
  smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => ({
    ARN: arnOf(input.SecretId ?? ''),
    Name: input.SecretId,
    SecretString: `value-${input.SecretId}`,
  }));
}

function stringOf(result: FetchResult | undefined): string | undefined {
  return result?.ok ? result.payload.secretString : undefined;
}

describe('createAwsProvider: fetchMany', () => {
  beforeEach(() => {
    smMock.reset();
  });

  it('batches 25 secrets into 2 BatchGetSecretValue calls of at most 20 ids, results in input order', async () => {
    // Prepare
    answerBatchFromIds();
    const provider = createAwsProvider({ region: 'us-east-1' });
    const ids = names(25);

    // Act
    const results = await provider.fetchMany(ids.map((secretId) => ({ secretId })));

    // Assess
    const calls = smMock.commandCalls(BatchGetSecretValueCommand);
    expect(calls.map((call) => call.args[0].input.SecretIdList?.length)).toEqual([20, 5]);
    expect(results.map(stringOf)).toEqual(ids.map((id) => `value-${id}`));
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(provider.apiCalls()).toBe(2);
  });

  it('maps per-secret Errors[]; a secret missing from both lists is fetched alone', async () => {
    smMock.on(GetSecretValueCommand, { SecretId: 'silent' }).rejects(
      Object.assign(new Error("Secrets Manager can't find the specified secret."), {
        name: 'ResourceNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [{ ARN: arnOf('ok'), Name: 'ok', SecretString: CANARY }],
      Errors: [
        { SecretId: 'denied', ErrorCode: 'AccessDeniedException', Message: 'not authorized' },
        { SecretId: 'gone', ErrorCode: 'ResourceNotFoundException', Message: "can't find" },
        { SecretId: 'kms', ErrorCode: 'DecryptionFailure', Message: 'KMS' },
        { SecretId: 'busy', ErrorCode: 'InternalServiceError', Message: 'oops' },
      ],
    });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany(
      ['ok', 'denied', 'gone', 'kms', 'busy', 'silent'].map((secretId) => ({ secretId })),
    );

    expect(stringOf(results[0])).toBe(CANARY);
    const failures = results.slice(1).map((result) => (result.ok ? undefined : result.error));
    expect(failures.map((error) => error?.code)).toEqual([
      'access_denied',
      'secret_not_found',
      'decryption_failed',
      'provider_error',
      'secret_not_found',
    ]);
    expect(failures.map((error) => error?.ref)).toEqual(['denied', 'gone', 'kms', 'busy', 'silent']);
    expect((failures[3] as { transient?: boolean }).transient).toBe(true);
    expect(failures[0]?.message).toContain('secretsmanager:GetSecretValue on secret "denied"');
    expect(smMock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual([
      'silent',
    ]);
    for (const error of failures) expectNoCanary(error);
  });

  it('matches results given by full ARN and partial ARN, and serves duplicates once', async () => {
    const partial = arnOf('p').slice(0, -7);
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [
        { ARN: arnOf('byname'), Name: 'byname', SecretString: 'v-name' },
        { ARN: arnOf('full'), Name: 'full', SecretString: 'v-full' },
        { ARN: arnOf('p'), Name: 'p', SecretString: 'v-partial' },
        { ARN: arnOf('p-AbCdEf'), Name: 'p-AbCdEf', SecretString: 'v-decoy' },
      ],
    });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany([
      { secretId: 'byname' },
      { secretId: arnOf('full') },
      { secretId: partial },
      { secretId: 'byname' },
      { secretId: 'byname', versionStage: 'AWSCURRENT' },
    ]);

    expect(results.map(stringOf)).toEqual(['v-name', 'v-full', 'v-partial', 'v-name', 'v-name']);
    const sent = smMock.commandCalls(BatchGetSecretValueCommand)[0]?.args[0].input.SecretIdList;
    expect(sent).toEqual(['byname', arnOf('full'), partial]);
  });

  it('reads pinned versions and lone secrets with GetSecretValue', async () => {
    answerBatchFromIds();
    answerGetFromIds();
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany([
      { secretId: 'a', versionStage: 'AWSPREVIOUS' },
      { secretId: 'b', versionId: 'v-1' },
      { secretId: 'c' },
    ]);

    expect(results.map(stringOf)).toEqual(['value-a', 'value-b', 'value-c']);
    expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(0);
    const inputs = smMock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { SecretId: 'a', VersionStage: 'AWSPREVIOUS' },
      { SecretId: 'b', VersionId: 'v-1' },
      { SecretId: 'c' },
    ]);
  });

  it('falls back silently to GetSecretValue when the batch call is denied, and remembers it', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).rejects(deniedBatch());
    answerGetFromIds();
    const provider = createAwsProvider({ region: 'us-east-1' });
    const ids = names(25);

    // Act
    const first = await provider.fetchMany(ids.map((secretId) => ({ secretId })));
    const batchCallsAfterFirst = smMock.commandCalls(BatchGetSecretValueCommand).length;
    const second = await provider.fetchMany(ids.map((secretId) => ({ secretId })));

    // Assess
    expect(first.map(stringOf)).toEqual(ids.map((id) => `value-${id}`));
    expect(second.map(stringOf)).toEqual(ids.map((id) => `value-${id}`));
    expect(batchCallsAfterFirst).toBe(2);
    expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(2);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(50);
    expect(provider.apiCalls()).toBe(52);
  });

  it('keeps at most 10 GetSecretValue calls in flight in the fallback', async () => {
    let inFlight = 0;
    let peak = 0;
    smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { SecretString: `value-${input.SecretId}` };
    });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany(
      names(30).map((secretId) => ({ secretId, versionStage: 'AWSPENDING' })),
    );

    expect(results.every((result) => result.ok)).toBe(true);
    expect(peak).toBe(10);
  });

  it('keeps at most 10 BatchGetSecretValue calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    smMock.on(BatchGetSecretValueCommand).callsFake(async (input: BatchGetSecretValueCommandInput) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return {
        SecretValues: (input.SecretIdList ?? []).map((id) => ({
          ARN: arnOf(id),
          Name: id,
          SecretString: id,
        })),
      };
    });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany(names(300).map((secretId) => ({ secretId })));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(15);
    expect(peak).toBe(10);
  });

  it('gives every secret of a failed batch call the mapped error', async () => {
    smMock
      .on(BatchGetSecretValueCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' }));
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map((result) => (result.ok ? 'ok' : `${result.error.code}:${result.error.ref}`))).toEqual([
      'throttled:a',
      'throttled:b',
    ]);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    for (const result of results) expectNoCanary(result);
  });

  it('groups secrets by the region of their ARN', async () => {
    smMock.on(BatchGetSecretValueCommand).callsFake(async (input: BatchGetSecretValueCommandInput) => ({
      SecretValues: (input.SecretIdList ?? []).map((id) => ({
        ARN: id,
        SecretString: `value-${id.slice(-9)}`,
      })),
    }));
    const provider = createAwsProvider({ region: 'us-east-1' });
    const eu = [arnOf('e1', 'eu-west-1'), arnOf('e2', 'eu-west-1')];
    const us = [arnOf('u1'), arnOf('u2')];

    const results = await provider.fetchMany(
      [eu[0]!, us[0]!, eu[1]!, us[1]!].map((secretId) => ({ secretId })),
    );

    expect(results.map(stringOf)).toEqual([
      'value-e1-AbCdEf',
      'value-u1-AbCdEf',
      'value-e2-AbCdEf',
      'value-u2-AbCdEf',
    ]);
    const calls = smMock.send.getCalls();
    const routed = await Promise.all(
      calls.map(async (call) => ({
        region: await (call.thisValue as SecretsManagerClient).config.region(),
        ids: (call.args[0].input as BatchGetSecretValueCommandInput).SecretIdList,
      })),
    );
    expect(routed).toEqual(
      expect.arrayContaining([
        { region: 'eu-west-1', ids: eu },
        { region: 'us-east-1', ids: us },
      ]),
    );
    expect(routed).toHaveLength(2);
  });

  it('follows NextToken of a batch answer', async () => {
    smMock
      .on(BatchGetSecretValueCommand, { NextToken: undefined })
      .resolves({ SecretValues: [{ ARN: arnOf('a'), Name: 'a', SecretString: 'A' }], NextToken: 'more' })
      .on(BatchGetSecretValueCommand, { NextToken: 'more' })
      .resolves({ SecretValues: [{ ARN: arnOf('b'), Name: 'b', SecretString: 'B' }] });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(stringOf)).toEqual(['A', 'B']);
    expect(provider.apiCalls()).toBe(2);
  });

  it('rejects with an AbortError when aborted, instead of answering', async () => {
    const provider = createAwsProvider({ region: 'us-east-1' });
    const controller = new AbortController();
    smMock.on(BatchGetSecretValueCommand).callsFake(async () => {
      controller.abort();
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    });

    const outcome = provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }], { signal: controller.signal });

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
  });

  it('answers an empty list without a call', async () => {
    const provider = createAwsProvider({ region: 'us-east-1' });

    expect(await provider.fetchMany([])).toEqual([]);
    expect(provider.apiCalls()).toBe(0);
  });
});
