import { inspect } from 'node:util';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretFetchError, SecretRefConfigError } from '../../src/errors.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { ListSecretsOptions } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const smMock = mockClient(SecretsManagerClient);
const EU_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf';

async function regionOfCall(index: number): Promise<string> {
  const client = smMock.send.getCall(index).thisValue as SecretsManagerClient;
  return client.config.region();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('createAwsProvider: fetch', () => {
  beforeEach(() => {
    smMock.reset();
  });

  it('reads the string value with GetSecretValue and reports the version', async () => {
    // Prepare
    smMock.on(GetSecretValueCommand, { SecretId: 'db' }).resolves({
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      Name: 'db',
      SecretString: CANARY,
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
    });
    const provider = createAwsProvider({ region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: 'sk' });

    // Act
    const payload = await provider.fetch({ secretId: 'db' });

    // Assess
    expect(payload).toEqual({
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      name: 'db',
      secretString: CANARY,
      versionId: 'v1',
      versionStages: ['AWSCURRENT'],
    });
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(provider.apiCalls()).toBe(1);
  });

  it('passes the version stage and the version id', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const provider = createAwsProvider({ region: 'us-east-1' });

    await provider.fetch({ secretId: 'db', versionStage: 'AWSPREVIOUS' });
    await provider.fetch({ secretId: 'db', versionId: 'a-uuid' });

    const inputs = smMock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { SecretId: 'db', VersionStage: 'AWSPREVIOUS' },
      { SecretId: 'db', VersionId: 'a-uuid' },
    ]);
  });

  it('returns SecretBinary as a Uint8Array', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 255]) });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const payload = await provider.fetch({ secretId: 'bin' });

    expect(payload.secretBinary).toBeInstanceOf(Uint8Array);
    expect([...(payload.secretBinary ?? [])]).toEqual([1, 2, 255]);
    expect(payload.secretString).toBeUndefined();
  });

  it('maps a failure to a SecretFetchError naming the secret, with the SDK error as cause', async () => {
    const sdkError = new ResourceNotFoundException({
      message: "Secrets Manager can't find it",
      $metadata: {},
    });
    smMock.on(GetSecretValueCommand).rejects(sdkError);
    const provider = createAwsProvider({ region: 'us-east-1' });

    const error = await provider.fetch({ secretId: 'prod/db' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretFetchError);
    expect(error).toMatchObject({ code: 'secret_not_found', ref: 'prod/db', transient: false });
    expect((error as Error).message).toContain('"prod/db"');
    expect((error as Error).message).toContain('us-east-1');
    expect((error as Error).cause).toBe(sdkError);
    expectNoCanary(error);
  });

  it('sends a full ARN of another region to a client of that region, and reuses that client', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const provider = createAwsProvider({ region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: 'sk' });

    await provider.fetch({ secretId: EU_ARN });
    await provider.fetch({ secretId: 'db' });
    await provider.fetch({ secretId: `${EU_ARN.slice(0, -7)}` });

    expect(await regionOfCall(0)).toBe('eu-west-1');
    expect(await regionOfCall(1)).toBe('us-east-1');
    expect(await regionOfCall(2)).toBe('eu-west-1');
    expect(smMock.send.getCall(2).thisValue).toBe(smMock.send.getCall(0).thisValue);
    const credentials = await (smMock.send.getCall(0).thisValue as SecretsManagerClient).config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIA1', secretAccessKey: 'sk' });
  });

  it('keeps a custom endpoint for a cross-region ARN', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const provider = createAwsProvider({ region: 'us-east-1', endpoint: 'http://localhost:4566' });

    await provider.fetch({ secretId: EU_ARN });

    const client = smMock.send.getCall(0).thisValue as SecretsManagerClient;
    expect(await client.config.region()).toBe('eu-west-1');
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('localhost');
    expect(endpoint?.port).toBe(4566);
  });

  it('configures the SDK: standard retries, maxAttempts and the request timeout', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const provider = createAwsProvider({ region: 'us-east-1', maxAttempts: 7, requestTimeoutMs: 1234 });

    await provider.fetch({ secretId: 'db' });

    const client = smMock.send.getCall(0).thisValue as SecretsManagerClient;
    expect(await client.config.maxAttempts()).toBe(7);
    const strategy = (await client.config.retryStrategy()) as { mode?: string };
    expect(strategy.mode).toBe('standard');
    const handlerConfig = (await (
      client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }
    ).configProvider) as Record<string, unknown>;
    expect(handlerConfig).toMatchObject({
      requestTimeout: 1234,
      connectionTimeout: 1234,
      throwOnRequestTimeout: true,
    });
  });

  it('uses an injected client as is, for every region', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const client = new SecretsManagerClient({ region: 'ap-south-1' });
    const provider = createAwsProvider({ client });

    await provider.fetch({ secretId: 'db' });
    await provider.fetch({ secretId: EU_ARN });

    expect(smMock.send.getCall(0).thisValue).toBe(client);
    expect(smMock.send.getCall(1).thisValue).toBe(client);
    expect(provider.identity).toMatch(/^aws\|\|\|client:\d+$/);
  });

  it('passes the abort signal to the SDK and rejects with an AbortError', async () => {
    smMock.on(GetSecretValueCommand).callsFake(async () => {
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    });
    const provider = createAwsProvider({ region: 'us-east-1' });
    const controller = new AbortController();

    const error = await provider
      .fetch({ secretId: 'db' }, { signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect((smMock.send.getCall(0).args as unknown[])[1]).toEqual({ abortSignal: controller.signal });
  });

  it('does not call AWS when the signal is already aborted', async () => {
    const provider = createAwsProvider({ region: 'us-east-1' });
    const controller = new AbortController();
    controller.abort();

    const error = await provider
      .fetch({ secretId: 'db' }, { signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(smMock.send.callCount).toBe(0);
    expect(provider.apiCalls()).toBe(0);
  });
});

describe('createAwsProvider: listSecrets', () => {
  beforeEach(() => {
    smMock.reset();
  });

  it('follows NextToken, filters by name prefix and yields metadata only', async () => {
    smMock
      .on(ListSecretsCommand, { NextToken: undefined })
      .resolves({
        SecretList: [
          {
            Name: 'prod/a',
            ARN: 'arn:a',
            Description: 'first',
            LastChangedDate: new Date(0),
            Tags: [{ Key: 'team', Value: 'core' }],
          },
          { Name: 'PROD/b' },
        ],
        NextToken: 't1',
      })
      .on(ListSecretsCommand, { NextToken: 't1' })
      .resolves({ SecretList: [{ Name: 'prod/c' }] });
    const provider = createAwsProvider({ region: 'us-east-1' });

    const listed = await collect(provider.listSecrets({ prefix: 'prod/', pageSize: 2 }));

    expect(listed).toEqual([
      {
        name: 'prod/a',
        arn: 'arn:a',
        description: 'first',
        lastChangedDate: new Date(0),
        tags: { team: 'core' },
      },
      { name: 'prod/c' },
    ]);
    const inputs = smMock.commandCalls(ListSecretsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { MaxResults: 2, Filters: [{ Key: 'name', Values: ['prod/'] }] },
      { MaxResults: 2, Filters: [{ Key: 'name', Values: ['prod/'] }], NextToken: 't1' },
    ]);
    expect(provider.apiCalls()).toBe(2);
  });

  it('checks its options before any call', () => {
    const provider = createAwsProvider({ region: 'us-east-1' });

    expect(() => provider.listSecrets({ pageSize: 0 })).toThrow(/`pageSize`/);
    expect(() => provider.listSecrets({ pageSize: 101 })).toThrow(/`pageSize`/);
    expect(() => provider.listSecrets({ prefix: '!prod' })).toThrow(/`prefix`/);
    expect(smMock.send.callCount).toBe(0);
  });

  it('refuses options that are not an object, and a signal that is not an AbortSignal, before any call', () => {
    const provider = createAwsProvider({ region: 'us-east-1' });
    const list = (options: unknown) => () => provider.listSecrets(options as ListSecretsOptions);

    for (const bad of [null, 5, 'prod/']) {
      expect(list(bad)).toThrow(SecretRefConfigError);
      expect(list(bad)).toThrow(expect.objectContaining({ option: 'options', code: 'invalid_config' }));
    }
    for (const signal of [5, { aborted: false, addEventListener() {} }]) {
      expect(list({ signal })).toThrow(expect.objectContaining({ option: 'signal', code: 'invalid_config' }));
    }
    expect(list(undefined)).not.toThrow();
    expect(smMock.send.callCount).toBe(0);
  });

  it('throws a mapped error when a page fails', async () => {
    smMock
      .on(ListSecretsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const provider = createAwsProvider({ region: 'us-east-1' });

    const error = await collect(provider.listSecrets()).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'access_denied' });
    expect((error as Error).message).toContain('secretsmanager:ListSecrets');
  });
});

describe('createAwsProvider: testConnection', () => {
  beforeEach(() => {
    smMock.reset();
  });

  it('sends ListSecrets with MaxResults 1 and reports region and endpoint', async () => {
    smMock.on(ListSecretsCommand).resolves({ SecretList: [] });
    const provider = createAwsProvider({ region: 'eu-central-1', endpoint: 'http://localhost:4566/' });

    const result = await provider.testConnection();

    expect(result).toMatchObject({ ok: true, region: 'eu-central-1', endpoint: 'http://localhost:4566' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(smMock.commandCalls(ListSecretsCommand)[0]?.args[0].input).toEqual({ MaxResults: 1 });
  });

  it.each([
    ['UnrecognizedClientException', 'invalid_credentials'],
    ['ThrottlingException', 'throttled'],
  ])('returns ok: false for %s instead of throwing', async (name, code) => {
    smMock.on(ListSecretsCommand).rejects(Object.assign(new Error(name), { name, $fault: 'client' }));
    const provider = createAwsProvider({ region: 'us-east-1' });

    const result = await provider.testConnection();

    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok === false && result.message.length).toBeGreaterThan(10);
  });

  it('reports the region of an injected client', async () => {
    smMock.on(ListSecretsCommand).resolves({});
    const provider = createAwsProvider({ client: new SecretsManagerClient({ region: 'sa-east-1' }) });

    expect(await provider.testConnection()).toMatchObject({ ok: true, region: 'sa-east-1' });
  });

  it('rejects when aborted', async () => {
    const provider = createAwsProvider({ region: 'us-east-1' });
    const controller = new AbortController();
    controller.abort();

    await expect(provider.testConnection({ signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('createAwsProvider: credentials stay hidden', () => {
  const ACCESS_KEY_ID = 'AKIACANARY0000000001';
  const SECRET_KEY = 'SECRETKEY-CANARY-4b1d-do-not-leak';
  const SESSION_TOKEN = 'SESSIONTOKEN-CANARY-9e2f-do-not-leak';

  beforeEach(() => {
    smMock.reset();
  });

  it('never shows the secret key or session token through inspect, JSON or its identity', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const provider = createAwsProvider({
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_KEY,
      sessionToken: SESSION_TOKEN,
    });
    await provider.fetch({ secretId: 'db' });

    for (const needle of [SECRET_KEY, SESSION_TOKEN, ACCESS_KEY_ID]) {
      expectNoCanary(provider, needle);
      expect(inspect(provider, { showHidden: true, depth: Number.POSITIVE_INFINITY })).not.toContain(needle);
      expect(JSON.stringify(provider)).not.toContain(needle);
    }
    expect(Object.keys(provider).sort()).toEqual(
      [
        'apiCalls',
        'fetch',
        'fetchMany',
        'identity',
        'kind',
        'listSecrets',
        'services',
        'sharedIdentity',
        'testConnection',
      ].sort(),
    );
    expect(provider.identity).toMatch(/^aws\|us-east-1\|\|key:[0-9a-f]{16}$/);
  });

  it('keeps the credentials out of errors', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('bad'), { name: 'UnrecognizedClientException' }));
    const provider = createAwsProvider({
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_KEY,
      sessionToken: SESSION_TOKEN,
    });

    const error = await provider.fetch({ secretId: 'db' }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'invalid_credentials' });
    expectNoCanary(error, SECRET_KEY);
    expectNoCanary(error, SESSION_TOKEN);
  });

  it('gives one identity per set of static keys, credential provider and client', () => {
    const provider = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
    const identities = [
      createAwsProvider({ region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: 's' }).identity,
      createAwsProvider({ region: 'us-east-1', accessKeyId: 'AKIA2', secretAccessKey: 's' }).identity,
      createAwsProvider({ region: 'us-east-1', credentials: provider }).identity,
      createAwsProvider({
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
      }).identity,
      createAwsProvider({ region: 'us-east-1' }).identity,
      createAwsProvider({ region: 'us-west-2' }).identity,
      createAwsProvider({ region: 'us-east-1', endpoint: 'http://localhost:4566' }).identity,
    ];

    expect(new Set(identities).size).toBe(identities.length);
    expect(createAwsProvider({ region: 'us-east-1', credentials: provider }).identity).toBe(identities[2]);
    const identityOf = (credentials: {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
    }) => createAwsProvider({ region: 'us-east-1', credentials }).identity;
    expect(identityOf({ accessKeyId: 'AKIA1', secretAccessKey: 's' })).toBe(identities[0]);
    // A wrong or rotated secret key, or another session token, under the same access key id must never share
    // cache entries with the keys that were allowed to read them.
    expect(identityOf({ accessKeyId: 'AKIA1', secretAccessKey: 'other' })).not.toBe(identities[0]);
    expect(identityOf({ accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't1' })).not.toBe(
      identityOf({ accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't2' }),
    );
    expect(identities[4]).toBe('aws|us-east-1||default');
  });

  it('sends a credential provider to the SDK', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    let calls = 0;
    const credentials = async () => {
      calls += 1;
      return { accessKeyId: 'AKIAFROMPROVIDER', secretAccessKey: 'from-provider' };
    };
    const provider = createAwsProvider({ region: 'us-east-1', credentials });

    await provider.fetch({ secretId: 'db' });

    const client = smMock.send.getCall(0).thisValue as SecretsManagerClient;
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIAFROMPROVIDER' });
    expect(calls).toBeGreaterThan(0);
  });
});
