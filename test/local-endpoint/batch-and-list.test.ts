import {
  BatchGetSecretValueCommand,
  InvalidNextTokenException,
  InvalidParameterException,
  ListSecretsCommand,
  paginateListSecrets,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';
import { clientFor, rejectionOf } from './sdk-client.js';

const names = ['prod/db', 'prod/api', 'prod/cache', 'dev/db', 'Prod/upper'];

describe('BatchGetSecretValue and ListSecrets on the local endpoint', () => {
  let sm: LocalSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    sm = await startLocalSecretsManager({
      secrets: [
        ...names.map((name) => ({
          name,
          secretString: `value of ${name}`,
          tags: { env: name.split('/')[0] ?? '' },
        })),
        { name: 'prod/kms', secretString: CANARY, kmsFailure: true },
        { name: 'prod/deleted', secretString: 'd', deleted: true, tags: { env: 'prod' } },
      ],
    });
    client = clientFor(sm);
  });
  afterAll(async () => {
    client.destroy();
    await sm.close();
  });

  it('returns values and per-secret Errors in one call', async () => {
    const out = await client.send(
      new BatchGetSecretValueCommand({
        SecretIdList: ['prod/db', sm.arnOf('dev/db'), 'missing', 'prod/kms', 'prod/deleted'],
      }),
    );
    expect(out.SecretValues?.map((v) => [v.Name, v.SecretString])).toEqual([
      ['prod/db', 'value of prod/db'],
      ['dev/db', 'value of dev/db'],
    ]);
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['missing', 'ResourceNotFoundException'],
      ['prod/kms', 'DecryptionFailure'],
      ['prod/deleted', 'InvalidRequestException'],
    ]);
    expect(JSON.stringify(out.Errors)).not.toContain(CANARY);
    expect(out.NextToken).toBeUndefined();
  });

  it('reports AccessDeniedException per secret when GetSecretValue is denied', async () => {
    sm.denyActions(['GetSecretValue']);
    try {
      const out = await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['prod/db'] }));
      expect(out.SecretValues).toEqual([]);
      expect(out.Errors?.[0]).toMatchObject({ SecretId: 'prod/db', ErrorCode: 'AccessDeniedException' });
    } finally {
      sm.denyActions([]);
    }
  });

  it('rejects more than 20 ids, both or neither of SecretIdList and Filters', async () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => `s${i}`);
    const big = await rejectionOf(client.send(new BatchGetSecretValueCommand({ SecretIdList: tooMany })));
    expect(big.name).toBe('ValidationException');
    expect(big.message).toContain('less than or equal to 20');
    const neither = await rejectionOf(client.send(new BatchGetSecretValueCommand({})));
    expect(neither).toBeInstanceOf(InvalidParameterException);
    const both = await rejectionOf(
      client.send(
        new BatchGetSecretValueCommand({
          SecretIdList: ['prod/db'],
          Filters: [{ Key: 'name', Values: ['prod/'] }],
        }),
      ),
    );
    expect(both).toBeInstanceOf(InvalidParameterException);
  });

  it('pages through filtered batches with MaxResults and NextToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let calls = 0;
    do {
      const out = await client.send(
        new BatchGetSecretValueCommand({
          Filters: [{ Key: 'name', Values: ['prod/'] }],
          MaxResults: 2,
          NextToken: token,
        }),
      );
      calls++;
      seen.push(...(out.SecretValues ?? []).map((v) => v.Name ?? ''));
      token = out.NextToken;
    } while (token !== undefined);
    expect(calls).toBe(2);
    expect(seen).toEqual(['prod/db', 'prod/api', 'prod/cache']);
  });

  it('lists every live secret in pages of MaxResults, in creation order', async () => {
    sm.resetRequests();
    const listed: string[] = [];
    for await (const page of paginateListSecrets({ client, pageSize: 3 }, {})) {
      expect((page.SecretList ?? []).length).toBeLessThanOrEqual(3);
      listed.push(...(page.SecretList ?? []).map((s) => s.Name ?? ''));
    }
    expect(listed).toEqual([...names, 'prod/kms']);
    expect(sm.requests.map((r) => r.action)).toEqual(['ListSecrets', 'ListSecrets']);
  });

  it('filters by case-sensitive name prefix, tag, and negation', async () => {
    const list = async (Filters: { Key: 'name' | 'tag-value'; Values: string[] }[]) => {
      const out = await client.send(new ListSecretsCommand({ Filters }));
      return (out.SecretList ?? []).map((s) => s.Name);
    };
    expect(await list([{ Key: 'name', Values: ['prod/'] }])).toEqual([
      'prod/db',
      'prod/api',
      'prod/cache',
      'prod/kms',
    ]);
    expect(await list([{ Key: 'name', Values: ['Prod/'] }])).toEqual(['Prod/upper']);
    expect(await list([{ Key: 'tag-value', Values: ['dev'] }])).toEqual(['dev/db']);
    expect(await list([{ Key: 'name', Values: ['prod/', '!prod/db', '!prod/kms'] }])).toEqual([
      'prod/api',
      'prod/cache',
    ]);
  });

  it('returns metadata with tags and dates, and includes deleted secrets only when asked', async () => {
    const out = await client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['prod/de'] }],
        IncludePlannedDeletion: true,
      }),
    );
    const entry = out.SecretList?.[0];
    expect(entry).toMatchObject({
      Name: 'prod/deleted',
      ARN: sm.arnOf('prod/deleted'),
      Tags: [{ Key: 'env' }],
    });
    expect(entry?.LastChangedDate).toBeInstanceOf(Date);
    expect(entry?.DeletedDate).toBeInstanceOf(Date);
    expect(JSON.stringify(out)).not.toContain('value of');
  });

  it('rejects MaxResults out of range and a forged NextToken', async () => {
    const range = await rejectionOf(client.send(new ListSecretsCommand({ MaxResults: 101 })));
    expect(range.name).toBe('ValidationException');
    const token = await rejectionOf(client.send(new ListSecretsCommand({ NextToken: 'forged' })));
    expect(token).toBeInstanceOf(InvalidNextTokenException);
  });
});
