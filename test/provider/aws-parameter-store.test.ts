import { afterEach, describe, expect, it } from 'vitest';
import { SecretResolutionError } from '../../src/errors.js';
import type { SecretEvent } from '../../src/events.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { CANARY, errorTextWithoutFrames, expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const endpoint = useLocalEndpoint({
  secrets: [{ name: 'prod/db', secretString: JSON.stringify({ username: 'app', password: 'sm-pw' }) }],
  parameters: [
    { name: '/app/url', value: 'https://v1.example' },
    { name: '/app/url', value: 'https://v2.example', labels: ['live'] },
    { name: '/app/url', value: 'https://v3.example' },
    { name: '/app/hosts', type: 'StringList', value: 'a.example,b.example' },
    { name: '/app/token', type: 'SecureString', value: CANARY },
    { name: '/app/locked', type: 'SecureString', value: CANARY, kmsFailure: true },
    ...Array.from({ length: 25 }, (_, i) => ({ name: `/many/p${i}`, value: `v${i}` })),
  ],
});

function managerFor(options: { events?: SecretEvent[] } = {}) {
  const sm = endpoint();
  return createAwsSecretsManager({
    region: sm.region,
    endpoint: sm.endpoint,
    ssmEndpoint: sm.endpoint,
    accessKeyId: sm.credentials.accessKeyId,
    secretAccessKey: sm.credentials.secretAccessKey,
    maxAttempts: 1,
    ...(options.events === undefined ? {} : { onEvent: (event: SecretEvent) => options.events!.push(event) }),
  });
}

const ssmCalls = () => endpoint().requests.filter((r) => r.service === 'ssm');

describe('createAwsSecretsManager reads Parameter Store through @aws-sdk/client-ssm', () => {
  afterEach(() => {
    endpoint().resetRequests();
  });

  it('resolves one connection mixing both services: one GetParameters per decryption mode, a pinned version apart, one Secrets Manager call', async () => {
    const manager = managerFor();
    const resolved = await resolveConnection(
      {
        url: '{{resolve:ssm:/app/url}}',
        previous: '{{resolve:ssm:/app/url:1}}',
        hosts: '{{resolve:ssm:/app/hosts}}',
        token: 'Bearer {{resolve:ssm-secure:/app/token}}',
        user: '{{resolve:secretsmanager:prod/db:SecretString:username}}',
      },
      manager,
    );
    expect(resolved).toStrictEqual({
      url: 'https://v3.example',
      previous: 'https://v1.example',
      hosts: 'a.example,b.example',
      token: `Bearer ${CANARY}`,
      user: 'app',
    });
    const calls = endpoint().requests.map((r) => [r.service, r.action, r.secretIds]);
    expect(calls).toContainEqual(['ssm', 'GetParameters', ['/app/url', '/app/hosts']]);
    expect(calls).toContainEqual(['ssm', 'GetParameters', ['/app/token']]);
    expect(calls).toContainEqual(['ssm', 'GetParameters', ['/app/url:1']]);
    expect(calls.filter(([service]) => service === 'secretsmanager')).toHaveLength(1);
    expect(manager.stats().apiCalls).toBe(calls.length);

    endpoint().resetRequests();
    await resolveConnection({ url: '{{resolve:ssm:/app/url}}' }, manager);
    expect(endpoint().requests).toHaveLength(0);
  });

  it('reads 25 parameters in 3 calls of at most 10 names', async () => {
    const manager = managerFor();
    const refs = Array.from({ length: 25 }, (_, i) => `{{resolve:ssm:/many/p${i}}}`);
    const results = await manager.getSecrets(refs);
    expect(results.map((r) => (r.ok ? r.value : r.error.code))).toStrictEqual(
      Array.from({ length: 25 }, (_, i) => `v${i}`),
    );
    expect(ssmCalls().map((r) => r.secretIds.length)).toStrictEqual([10, 10, 5]);
  });

  it('a label and a version select the version; a missing name, version or label is secret_not_found per reference', async () => {
    const manager = managerFor();
    const results = await manager.getSecrets([
      '{{resolve:ssm:/app/url:live}}',
      '{{resolve:ssm:/app/url:2}}',
      '{{resolve:ssm:/app/missing}}',
      '{{resolve:ssm:/app/url:9}}',
      '{{resolve:ssm:/app/url:nolabel}}',
    ]);
    expect(results.map((r) => (r.ok ? r.value : r.error.code))).toStrictEqual([
      'https://v2.example',
      'https://v2.example',
      'secret_not_found',
      'secret_not_found',
      'secret_not_found',
    ]);
    const missing = results[2];
    expect(missing?.ok === false && missing.error.message).toContain(
      'parameter "/app/missing" was not found',
    );
  });

  it('an ssm reference to a SecureString is an issue saying to use ssm-secure, and the ciphertext shows nowhere', async () => {
    const events: SecretEvent[] = [];
    const manager = managerFor({ events });
    const error = await resolveConnection({ token: '{{resolve:ssm:/app/token}}' }, manager).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretResolutionError);
    const [issue] = (error as SecretResolutionError).issues;
    expect(issue?.message).toContain('is a SecureString: read it with {{resolve:ssm-secure:');
    expectNoCanary(error);
    expectNoCanary(events);
    // The ciphertext the endpoint sent is not the value: nothing base64-looking that long is in the error either.
    expect(errorTextWithoutFrames(error)).not.toMatch(/AQICAH|[A-Za-z0-9+/]{40,}/);
  });

  it('a parameter ARN routes to its region (the local endpoint refuses a request signed for another)', async () => {
    const manager = managerFor();
    const arn = endpoint().parameterArnOf('/app/url');
    await expect(manager.getSecret(arn)).resolves.toBe('https://v3.example');
    const other = arn.replace(':us-east-1:', ':eu-west-1:');
    await expect(manager.getSecret(other)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(ssmCalls().at(-1)?.region).toBe('eu-west-1');
  });

  it('the bridge /aws/reference/secretsmanager/<id> reads the secret from Secrets Manager, with ssm-secure only', async () => {
    const manager = managerFor();
    await expect(
      manager.getSecret('{{resolve:ssm-secure:/aws/reference/secretsmanager/prod/db}}'),
    ).resolves.toBe(JSON.stringify({ username: 'app', password: 'sm-pw' }));
    await expect(
      manager.getSecret('{{resolve:ssm-secure:/aws/reference/secretsmanager/prod/db:AWSCURRENT}}'),
    ).resolves.toContain('sm-pw');
    await expect(
      manager.getSecret('{{resolve:ssm:/aws/reference/secretsmanager/prod/db}}'),
    ).rejects.toMatchObject({ code: 'invalid_reference', message: expect.stringContaining('ssm-secure') });
    expect(ssmCalls()).toHaveLength(0);
  });

  it('a denied GetParameters is access_denied naming ssm:GetParameters and kms:Decrypt for a SecureString', async () => {
    endpoint().denyActions(['GetParameters']);
    const manager = managerFor();
    await expect(manager.getSecret('{{resolve:ssm-secure:/app/token}}')).rejects.toMatchObject({
      code: 'access_denied',
      message: expect.stringMatching(/ssm:GetParameters .*kms:Decrypt/),
    });
  });

  it('a SecureString whose KMS key refuses is decryption_failed naming the parameter and kms:Decrypt, no value', async () => {
    const manager = managerFor();
    const error = await manager.getSecret('{{resolve:ssm-secure:/app/locked}}').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'decryption_failed',
      message: expect.stringMatching(
        /parameter "\/app\/locked" with its KMS key \(InvalidKeyId\); grant kms:Decrypt/,
      ),
    });
    expectNoCanary(error);
    // Without decryption KMS is not asked: the answer is the advice to use ssm-secure, never the ciphertext.
    await expect(manager.getSecret('{{resolve:ssm:/app/locked}}')).rejects.toMatchObject({
      code: 'invalid_reference',
    });
  });

  it("a Parameter Store call that cannot connect names ssmEndpoint's host, not Secrets Manager's endpoint", async () => {
    const sm = endpoint();
    const manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      ssmEndpoint: 'http://127.0.0.1:9',
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
      maxAttempts: 1,
    });
    const error = await manager.getSecret('{{resolve:ssm:/app/url}}').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'network' });
    expect(error?.message).toBe(
      'Could not reach http://127.0.0.1:9 (ECONNREFUSED); check `ssmEndpoint`, proxies and the network',
    );
  });

  it('throttling is retried by the SDK', async () => {
    const sm = endpoint();
    sm.injectFault({ kind: 'throttle', action: 'GetParameters', times: 1 });
    const manager = createAwsSecretsManager({
      region: sm.region,
      ssmEndpoint: sm.endpoint,
      endpoint: sm.endpoint,
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
      maxAttempts: 3,
    });
    await expect(manager.getSecret('{{resolve:ssm:/app/hosts}}')).resolves.toBe('a.example,b.example');
    expect(ssmCalls()).toHaveLength(2);
  });
});
