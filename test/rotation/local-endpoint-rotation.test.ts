import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotate } from '../../src/testing/index.js';
import { clientFor, rejectionOf } from '../local-endpoint/sdk-client.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const TOKEN_A = 'aaaaaaaa-1111-2222-3333-444444444444';
const TOKEN_B = 'bbbbbbbb-1111-2222-3333-444444444444';

describe('rotation on the local endpoint, through the real SDK', () => {
  const endpoint = useLocalEndpoint({
    secrets: [
      { name: 'db', secretString: '{"password":"v1"}' },
      { name: 'plain', secretString: 'one' },
      { name: 'manual', secretString: 'first' },
      { name: 'labels', secretString: 'x' },
      { name: 'gone', secretString: CANARY, deleted: true },
    ],
  });
  let client: SecretsManagerClient;
  beforeAll(() => {
    client = clientFor(endpoint());
  });
  afterAll(() => client.destroy());

  const stagesOf = async (secretId: string) =>
    (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
  const read = async (secretId: string, stage?: string) =>
    (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }))).SecretString;

  it('rotate() walks AWSPENDING → AWSCURRENT → AWSPREVIOUS', async () => {
    const [firstId] = Object.keys(await stagesOf('db'));
    const first = await rotate(endpoint(), 'db', '{"password":"v2"}');
    expect(first.previousVersionId).toBe(firstId);
    expect(await stagesOf('db')).toEqual({
      [firstId as string]: ['AWSPREVIOUS'],
      [first.versionId]: ['AWSCURRENT'],
    });
    expect(await read('db')).toBe('{"password":"v2"}');
    expect(await read('db', 'AWSPREVIOUS')).toBe('{"password":"v1"}');

    const second = await rotate(endpoint(), 'db', '{"password":"v3"}');
    expect(second.previousVersionId).toBe(first.versionId);
    // The oldest version keeps no label (deprecated, as AWS leaves it); DescribeSecret lists labelled versions.
    expect(await stagesOf('db')).toEqual({
      [first.versionId]: ['AWSPREVIOUS'],
      [second.versionId]: ['AWSCURRENT'],
    });
    const actions = endpoint().requests.map((r) => r.action);
    expect(actions.filter((a) => a === 'PutSecretValue')).toHaveLength(2);
    expect(actions.filter((a) => a === 'UpdateSecretVersionStage')).toHaveLength(4);
  });

  it('PutSecretValue with AWSPENDING leaves AWSCURRENT where it was, and the token becomes the version id', async () => {
    const before = await stagesOf('plain');
    const put = await client.send(
      new PutSecretValueCommand({
        SecretId: 'plain',
        SecretString: 'two',
        VersionStages: ['AWSPENDING'],
        ClientRequestToken: TOKEN_A,
      }),
    );
    expect(put).toMatchObject({ Name: 'plain', VersionId: TOKEN_A, VersionStages: ['AWSPENDING'] });
    expect(await stagesOf('plain')).toEqual({ ...before, [TOKEN_A]: ['AWSPENDING'] });
    expect(await read('plain')).toBe('one');
    expect(await read('plain', 'AWSPENDING')).toBe('two');
  });

  it('PutSecretValue without stages makes the new version current, the old one previous', async () => {
    const [firstId] = Object.keys(await stagesOf('manual'));
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'manual', SecretString: 'second' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect(put.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stagesOf('manual')).toEqual({
      [firstId as string]: ['AWSPREVIOUS'],
      [put.VersionId as string]: ['AWSCURRENT'],
    });
  });

  it('a repeated token is ignored with the same value and refused with another', async () => {
    const put = () =>
      new PutSecretValueCommand({
        SecretId: 'labels',
        SecretString: 'y',
        VersionStages: ['blue'],
        ClientRequestToken: TOKEN_B,
      });
    await client.send(put());
    const again = await client.send(put());
    expect(again).toMatchObject({ VersionId: TOKEN_B, VersionStages: ['blue'] });
    const other = await rejectionOf(
      client.send(
        new PutSecretValueCommand({ SecretId: 'labels', SecretString: CANARY, ClientRequestToken: TOKEN_B }),
      ),
    );
    expect(other).toBeInstanceOf(ResourceExistsException);
    expectNoCanary(other);
  });

  it('UpdateSecretVersionStage needs RemoveFromVersionId naming the holder of an attached label', async () => {
    const stages = await stagesOf('labels');
    const currentId = Object.keys(stages).find((id) => stages[id]?.includes('AWSCURRENT')) as string;
    const wrong = await rejectionOf(
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'labels',
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: TOKEN_B,
        }),
      ),
    );
    expect(wrong).toBeInstanceOf(InvalidParameterException);
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'labels',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: TOKEN_B,
        RemoveFromVersionId: currentId,
      }),
    );
    expect(await stagesOf('labels')).toEqual({
      [currentId]: ['AWSPREVIOUS'],
      [TOKEN_B]: ['blue', 'AWSCURRENT'],
    });

    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'labels',
        VersionStage: 'blue',
        RemoveFromVersionId: TOKEN_B,
      }),
    );
    expect((await stagesOf('labels'))[TOKEN_B]).toEqual(['AWSCURRENT']);
    const removeCurrent = await rejectionOf(
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'labels',
          VersionStage: 'AWSCURRENT',
          RemoveFromVersionId: TOKEN_B,
        }),
      ),
    );
    expect(removeCurrent).toBeInstanceOf(InvalidParameterException);
    const unknown = await rejectionOf(
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'labels',
          VersionStage: 'blue',
          MoveToVersionId: 'cccccccc-1111-2222-3333-444444444444',
        }),
      ),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a value with neither or both of SecretString and SecretBinary, and a deleted secret', async () => {
    const neither = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: 'plain' })));
    expect(neither).toBeInstanceOf(InvalidParameterException);
    const both = await rejectionOf(
      client.send(
        new PutSecretValueCommand({
          SecretId: 'plain',
          SecretString: CANARY,
          SecretBinary: new Uint8Array([1]),
        }),
      ),
    );
    expect(both).toBeInstanceOf(InvalidParameterException);
    expectNoCanary(both);
    const deleted = await rejectionOf(
      client.send(new PutSecretValueCommand({ SecretId: 'gone', SecretString: 'new' })),
    );
    expect(deleted).toBeInstanceOf(InvalidRequestException);
    const missing = await rejectionOf(
      client.send(new PutSecretValueCommand({ SecretId: 'nope', SecretString: 'x' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('stores binary versions', async () => {
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: 'plain', SecretBinary: new Uint8Array([0, 1, 255]) }),
    );
    const out = await client.send(new GetSecretValueCommand({ SecretId: 'plain', VersionId: put.VersionId }));
    expect(Array.from(out.SecretBinary ?? [])).toEqual([0, 1, 255]);
  });
});
