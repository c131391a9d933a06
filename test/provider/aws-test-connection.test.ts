import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type AwsSecretsManagerConfig,
  createAwsSecretsManager,
} from '../../src/manager/create-aws-secrets-manager.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createAwsProvider } from '../../src/provider/aws/index.js';
import { startLocalSecretsManager } from '../../src/testing/index.js';
import { expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const PROXY_TOKEN = 'PROXYTOKEN-CANARY-3c9e-do-not-leak';
const endpoint = useLocalEndpoint({
  secrets: [{ name: 'prod/db', secretString: '{"password":"canary-pw-7Qx"}' }],
});

function config(overrides: Partial<AwsSecretsManagerConfig> = {}): AwsSecretsManagerConfig {
  const sm = endpoint();
  return {
    endpoint: sm.endpoint,
    region: sm.region,
    accessKeyId: sm.credentials.accessKeyId,
    secretAccessKey: sm.credentials.secretAccessKey,
    maxAttempts: 1,
    ...overrides,
  };
}

describe('testConnection tells refused keys from keys that may not list', () => {
  it('item B: an AccessDenied from ListSecrets is ok: true, listAllowed: false, with the principal and account', async () => {
    // Prepare
    endpoint().denyActions(['ListSecrets']);

    // Act
    const result = await createAwsSecretsManager(config()).testConnection();

    // Assess
    expect(result).toMatchObject({
      ok: true,
      listAllowed: false,
      region: endpoint().region,
      account: endpoint().accountId,
      principal: `arn:aws:iam::${endpoint().accountId}:user/local-test`,
    });
  });

  it('item B: refused keys stay ok: false, invalid_credentials', async () => {
    const result = await createAwsSecretsManager(config({ secretAccessKey: 'wrong' })).testConnection();

    expect(result).toMatchObject({ ok: false, code: 'invalid_credentials' });
    expect(result).not.toHaveProperty('listAllowed');
  });

  it('item B: a listing that works reports listAllowed: true and the account of the secret it saw', async () => {
    const result = await createAwsSecretsManager(config()).testConnection();

    expect(result).toMatchObject({ ok: true, listAllowed: true, account: endpoint().accountId });
    expect(endpoint().requests.map((request) => request.action)).toEqual(['ListSecrets']);
  });

  it('item B: { secretId } tests one secret with DescribeSecret, which never returns a value', async () => {
    endpoint().denyActions(['ListSecrets']);

    const result = await createAwsProvider(config()).testConnection({ secretId: 'prod/db' });

    expect(result).toMatchObject({ ok: true, secretId: 'prod/db', account: endpoint().accountId });
    expect(result).not.toHaveProperty('listAllowed');
    expect(endpoint().requests.map((request) => request.action)).toEqual(['DescribeSecret']);
    expect(JSON.stringify(result)).not.toContain('canary-pw-7Qx');
  });

  it('item B: { secretId } falls back to GetSecretValue when DescribeSecret is denied, and keeps no value', async () => {
    endpoint().denyActions(['DescribeSecret']);

    const result = await createAwsProvider(config()).testConnection({ secretId: 'prod/db' });

    expect(result).toMatchObject({ ok: true, secretId: 'prod/db' });
    expect(endpoint().requests.map((request) => request.action)).toEqual([
      'DescribeSecret',
      'GetSecretValue',
    ]);
    expect(JSON.stringify(result)).not.toContain('canary-pw-7Qx');
  });

  it('item B: { secretId } that may not be read is ok: false, access_denied, naming the principal', async () => {
    endpoint().denyActions(['DescribeSecret', 'GetSecretValue']);

    const result = await createAwsProvider(config()).testConnection({ secretId: 'prod/db' });

    expect(result).toMatchObject({
      ok: false,
      code: 'access_denied',
      principal: `arn:aws:iam::${endpoint().accountId}:user/local-test`,
    });
  });

  it('item B: { secretId } of a missing secret is ok: false, secret_not_found', async () => {
    const result = await createAwsProvider(config()).testConnection({ secretId: 'nope' });

    expect(result).toMatchObject({ ok: false, code: 'secret_not_found' });
  });

  it('item B: a secretId that is not text is a config error naming it', async () => {
    await expect(
      createAwsProvider(config()).testConnection({ secretId: 5 as unknown as string }),
    ).rejects.toMatchObject({ code: 'invalid_config', option: 'secretId' });
  });
});

describe("the endpoint's path (a proxy token) is never shown", () => {
  it('util.inspect, JSON.stringify and testConnection() show the endpoint by origin only', async () => {
    // Prepare: a path on the endpoint, as a proxy that takes its token in the path would need.
    const sm = endpoint();
    const withToken = `${sm.endpoint}/proxy/${PROXY_TOKEN}`;
    const manager = createAwsSecretsManager(config({ endpoint: withToken }));

    // Act
    const result = await manager.testConnection();
    const failed = await createAwsSecretsManager(
      config({ endpoint: withToken, secretAccessKey: 'wrong' }),
    ).testConnection();

    // Assess
    expect(result).toMatchObject({ ok: true, endpoint: sm.endpoint });
    expectNoCanary(result, PROXY_TOKEN);
    expectNoCanary(failed, PROXY_TOKEN);
    expectNoCanary(manager, PROXY_TOKEN);
    expect(inspect(manager, { depth: 10, showHidden: true })).not.toContain(PROXY_TOKEN);
    expect(JSON.stringify(manager)).not.toContain(PROXY_TOKEN);
    expect(createAwsProvider(config({ endpoint: withToken })).identity).not.toContain('proxy');
  });

  it('endpoints that differ only in their path still have different identities', () => {
    const sm = endpoint();
    const a = createAwsProvider(config({ endpoint: `${sm.endpoint}/a` })).identity;
    const b = createAwsProvider(config({ endpoint: `${sm.endpoint}/b` })).identity;
    const bare = createAwsProvider(config()).identity;

    expect(new Set([a, b, bare]).size).toBe(3);
    expect(bare).toContain(`|${sm.endpoint}|`);
    expect(createAwsProvider(config({ endpoint: `${sm.endpoint}/a` })).identity).toBe(a);
  });

  it('a manager over the provider shows the same origin-only identity', async () => {
    const sm = await startLocalSecretsManager();
    try {
      const provider = createAwsProvider({
        endpoint: `${sm.endpoint}/t/${PROXY_TOKEN}`,
        region: sm.region,
        ...sm.credentials,
      });
      const manager = createSecretManager(provider);

      expect(inspect(manager)).not.toContain(PROXY_TOKEN);
      expect(inspect(manager)).toContain(sm.endpoint);
    } finally {
      await sm.close();
    }
  });
});
