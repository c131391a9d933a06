import {
  DecryptionFailure,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { rawRequest } from './raw-request.js';
import { clientFor, rejectionOf } from './sdk-client.js';

const PREVIOUS_ID = '11111111-2222-3333-4444-555555555555';
const CURRENT_ID = '66666666-7777-8888-9999-000000000000';

describe('GetSecretValue on the local endpoint', () => {
  let sm: LocalSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    sm = await startLocalSecretsManager({
      secrets: [
        {
          name: 'app/db',
          secretString: '{"user":"app","password":"canary-pw-7Qx"}',
          description: 'db',
          tags: { team: 'a' },
        },
        {
          name: 'rotated',
          versions: [
            { versionId: PREVIOUS_ID, stages: ['AWSPREVIOUS'], secretString: 'old' },
            { versionId: CURRENT_ID, stages: ['AWSCURRENT', 'blue'], secretString: 'new' },
          ],
        },
        { name: 'bin', secretBinary: new Uint8Array([0, 1, 2, 255]) },
        { name: 'kms', secretString: CANARY, kmsFailure: true },
        { name: 'gone', secretString: CANARY, deleted: true },
      ],
    });
    client = clientFor(sm);
  });
  afterAll(async () => {
    client.destroy();
    await sm.close();
  });

  it('reads by name, full ARN and partial ARN', async () => {
    const arn = sm.arnOf('app/db');
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/db-[A-Za-z0-9]{6}$/);
    for (const secretId of ['app/db', arn, arn.slice(0, -7)]) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      expect(out).toMatchObject({
        ARN: arn,
        Name: 'app/db',
        SecretString: '{"user":"app","password":"canary-pw-7Qx"}',
      });
      expect(out.VersionStages).toEqual(['AWSCURRENT']);
      expect(out.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it('selects a version by stage, by id, or by both when they agree', async () => {
    const byStage = await client.send(
      new GetSecretValueCommand({ SecretId: 'rotated', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(byStage).toMatchObject({ VersionId: PREVIOUS_ID, SecretString: 'old' });
    const byId = await client.send(new GetSecretValueCommand({ SecretId: 'rotated', VersionId: CURRENT_ID }));
    expect(byId).toMatchObject({ SecretString: 'new', VersionStages: ['AWSCURRENT', 'blue'] });
    const both = await client.send(
      new GetSecretValueCommand({ SecretId: 'rotated', VersionId: CURRENT_ID, VersionStage: 'blue' }),
    );
    expect(both.SecretString).toBe('new');
  });

  it('returns binary secrets as bytes', async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: 'bin' }));
    expect(out.SecretString).toBeUndefined();
    expect(Array.from(out.SecretBinary ?? [])).toEqual([0, 1, 2, 255]);
  });

  it.each([
    ['an unknown name', { SecretId: 'nope' }, ResourceNotFoundException, "can't find the specified secret."],
    [
      'an ARN with a wrong suffix',
      { SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-ZZZZZZ' },
      ResourceNotFoundException,
      "can't find the specified secret.",
    ],
    [
      'an unknown stage',
      { SecretId: 'rotated', VersionStage: 'AWSPENDING' },
      ResourceNotFoundException,
      'AWSPENDING',
    ],
    [
      'an unknown version id',
      { SecretId: 'rotated', VersionId: 'v-none' },
      ResourceNotFoundException,
      'v-none',
    ],
    [
      'a stage the version does not carry',
      { SecretId: 'rotated', VersionId: PREVIOUS_ID, VersionStage: 'AWSCURRENT' },
      InvalidRequestException,
      'not associated',
    ],
    ['a KMS failure', { SecretId: 'kms' }, DecryptionFailure, "can't decrypt"],
    ['a secret marked for deletion', { SecretId: 'gone' }, InvalidRequestException, 'marked for deletion'],
  ])('answers %s with the typed SDK exception', async (_label, input, type, text) => {
    const error = await rejectionOf(client.send(new GetSecretValueCommand(input)));
    expect(error).toBeInstanceOf(type);
    expect(error.name).toBe(type.name);
    expect(error.message).toContain(text);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
    expectNoCanary(error);
  });

  it('answers a request without SecretId with a ValidationException', async () => {
    const error = await rejectionOf(client.send(new GetSecretValueCommand({} as { SecretId: string })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("at 'secretId'");
  });

  it('leaves a secret-bearing member out of a ValidationException', async () => {
    const answer = await rawRequest(sm, JSON.stringify({ SecretId: 'app/db', SecretString: [CANARY] }), {
      target: 'secretsmanager.PutSecretValue',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("at 'secretString'");
    expect(answer.body).not.toContain(CANARY);
  });

  it('putSecret adds a new AWSCURRENT version and moves the old one to AWSPREVIOUS', async () => {
    const first = sm.putSecret({ name: 'live', secretString: 'v1' });
    const second = sm.putSecret({ name: 'live', secretString: 'v2' });
    expect(second.arn).toBe(first.arn);
    expect(second.versionId).not.toBe(first.versionId);
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'live' }));
    expect(current).toMatchObject({ SecretString: 'v2', VersionId: second.versionId });
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'live', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'v1', VersionId: first.versionId });
    const described = await client.send(new DescribeSecretCommand({ SecretId: first.arn }));
    expect(described.VersionIdsToStages).toEqual({
      [first.versionId]: ['AWSPREVIOUS'],
      [second.versionId]: ['AWSCURRENT'],
    });
  });

  it('deleteSecret removes a secret and a new one gets a new ARN', async () => {
    const { arn } = sm.putSecret({ name: 'temp', secretString: 't' });
    sm.deleteSecret('temp');
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: arn })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(() => sm.arnOf('temp')).toThrow(/no secret named temp/);
  });

  it('DescribeSecret returns metadata without the value', async () => {
    const out = await client.send(new DescribeSecretCommand({ SecretId: 'app/db' }));
    expect(out).toMatchObject({ Name: 'app/db', Description: 'db', Tags: [{ Key: 'team', Value: 'a' }] });
    expect(JSON.stringify(out)).not.toContain('canary-pw-7Qx');
    const gone = await client.send(new DescribeSecretCommand({ SecretId: 'gone' }));
    expect(gone.DeletedDate).toBeInstanceOf(Date);
  });
});
