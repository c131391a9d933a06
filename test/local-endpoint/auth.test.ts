import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';
import { rawRequest } from './raw-request.js';
import { clientFor, rejectionOf } from './sdk-client.js';

const KEYS = {
  accessKeyId: 'ASIALOCALSESSION0001',
  secretAccessKey: 'session-secret',
  sessionToken: 'token-1',
};

describe('request authentication and protocol errors', () => {
  let sm: LocalSecretsManager;

  beforeAll(async () => {
    sm = await startLocalSecretsManager({
      region: 'eu-west-1',
      credentials: KEYS,
      secrets: [{ name: 'db', secretString: CANARY }],
    });
  });
  afterAll(() => sm.close());

  const get = (overrides: Parameters<typeof clientFor>[1]) =>
    clientFor(sm, overrides).send(new GetSecretValueCommand({ SecretId: 'db' }));

  it('accepts a request signed with the configured key and session token', async () => {
    sm.resetRequests();
    const out = await get({});
    expect(out.SecretString).toBe(CANARY);
    expect(out.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-/);
    expect(sm.requests).toEqual([
      {
        action: 'GetSecretValue',
        service: 'secretsmanager',
        secretIds: ['db'],
        status: 200,
        region: 'eu-west-1',
        accessKeyId: KEYS.accessKeyId,
      },
    ]);
  });

  it.each([
    [
      'a wrong secret key',
      { ...KEYS, secretAccessKey: 'wrong' },
      'InvalidSignatureException',
      'does not match',
    ],
    [
      'an unknown access key id',
      { ...KEYS, accessKeyId: 'AKIAUNKNOWN000000000' },
      'UnrecognizedClientException',
      '',
    ],
    ['a wrong session token', { ...KEYS, sessionToken: 'token-2' }, 'UnrecognizedClientException', 'invalid'],
    [
      'a missing session token',
      { accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey },
      'UnrecognizedClientException',
      'security token',
    ],
  ])('rejects %s', async (_label, credentials, name, text) => {
    const error = await rejectionOf(get({ credentials }));
    expect(error).toBeInstanceOf(SecretsManagerServiceException);
    expect(error.name).toBe(name);
    expect(error.message).toContain(text);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
  });

  it('rejects a request signed for another region', async () => {
    const error = await rejectionOf(get({ region: 'us-east-1' }));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toContain("not 'us-east-1'");
  });

  it('serves another region from a second instance', async () => {
    const other = await startLocalSecretsManager({
      region: 'ap-south-1',
      secrets: [{ name: 'db', secretString: 'x' }],
    });
    try {
      const out = await clientFor(other).send(new GetSecretValueCommand({ SecretId: 'db' }));
      expect(out.ARN).toBe(other.arnOf('db'));
      expect(out.ARN).toContain(':ap-south-1:');
    } finally {
      await other.close();
    }
  });

  it('rejects an unsigned request and a signature outside the clock window', async () => {
    const unsigned = await rawRequest(sm, '{"SecretId":"db"}', { sign: false });
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body)).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const stale = await rawRequest(sm, '{"SecretId":"db"}', {
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    expect(JSON.parse(stale.body)).toMatchObject({ __type: 'InvalidSignatureException' });
    expect(JSON.parse(stale.body).Message).toContain('Signature expired');
  });

  it('sends errors in the awsJson1_1 shape', async () => {
    const res = await rawRequest(sm, '{"SecretId":"missing"}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.headers['x-amzn-errortype']).toMatch(/^ResourceNotFoundException:/);
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(res.body)).toEqual({
      __type: 'ResourceNotFoundException',
      Message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('answers a body that is not JSON without echoing it', async () => {
    const res = await rawRequest(sm, `{"SecretId": "${CANARY}`);
    expect(JSON.parse(res.body)).toMatchObject({ __type: 'SerializationException' });
    expect(res.body).not.toContain(CANARY);
  });

  it('answers an operation it does not implement with UnknownOperationException', async () => {
    const error = await rejectionOf(
      clientFor(sm).send(new CreateSecretCommand({ Name: 'new', SecretString: 'x' })),
    );
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('CreateSecret');
    const res = await rawRequest(sm, '{}', { target: 'kms.Decrypt' });
    expect(JSON.parse(res.body)).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('validates its options', async () => {
    await expect(startLocalSecretsManager({ port: 70000 })).rejects.toThrow(/`port`/);
    await expect(startLocalSecretsManager({ accountId: 'abc' })).rejects.toThrow(/`accountId`/);
    await expect(
      startLocalSecretsManager({ credentials: { accessKeyId: '', secretAccessKey: 'x' } }),
    ).rejects.toThrow(/`credentials`/);
  });
});
