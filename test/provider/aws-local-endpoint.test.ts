import { createServer } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecretCache } from '../../src/cache/create-secret-cache.js';
import type { SecretRefError } from '../../src/errors.js';
import {
  type AwsSecretsManagerConfig,
  createAwsSecretsManager,
} from '../../src/manager/create-aws-secrets-manager.js';
import { createAwsProvider } from '../../src/provider/aws/index.js';
import type { LocalSecretsManager } from '../../src/testing/index.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const WRONG_KEY = 'WRONGKEY-CANARY-51c2-do-not-leak';
const SESSION_TOKEN = 'SESSIONTOKEN-CANARY-77aa-do-not-leak';

let sm: LocalSecretsManager;

function config(overrides: Partial<AwsSecretsManagerConfig> = {}): AwsSecretsManagerConfig {
  return {
    endpoint: sm.endpoint,
    region: sm.region,
    accessKeyId: sm.credentials.accessKeyId,
    secretAccessKey: sm.credentials.secretAccessKey,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<SecretRefError> {
  try {
    await promise;
  } catch (error) {
    expectNoCanary(error);
    expectNoCanary(error, WRONG_KEY);
    expectNoCanary(error, SESSION_TOKEN);
    expectNoCanary(error, sm.credentials.secretAccessKey);
    return error as SecretRefError;
  }
  throw new Error('expected the call to fail');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const actions = (): string[] => sm.requests.map((request) => request.action);

const endpoint = useLocalEndpoint({
  secrets: [
    { name: 'prod/db', secretString: JSON.stringify({ username: 'app', password: CANARY }) },
    { name: 'plain', secretString: 'plain-value' },
    { name: 'locked', secretString: CANARY, kmsFailure: true },
    { name: 'doomed', secretString: CANARY, deleted: true },
  ],
});

beforeEach(() => {
  sm = endpoint();
});

describe('createAwsSecretsManager over a local endpoint (real SDK, HTTP and SigV4)', () => {
  it('never serves a value cached by good keys to a manager with a wrong secret key, even in a shared cache', async () => {
    // Prepare: one cache shared by two tenants' managers under the same access key id
    const cache = createSecretCache();
    const good = createAwsSecretsManager(config({ cache }));
    const wrong = createAwsSecretsManager(config({ cache, secretAccessKey: 'not-the-key', maxAttempts: 1 }));
    expect(await good.getSecret('prod/db:password')).toBe(CANARY);

    // Act
    const error = (await wrong.getSecret('prod/db:password').catch((e: unknown) => e)) as SecretRefError;

    // Assess: the wrong key goes to AWS and is refused; the cached value is not handed out
    expect(error.code).toBe('invalid_credentials');
    expectNoCanary(error);
  });

  it('reads a JSON key with static keys, once, then from the cache', async () => {
    // Prepare
    const manager = createAwsSecretsManager(config());

    // Act
    const first = await manager.getSecret('{{resolve:secretsmanager:prod/db:SecretString:password}}');
    const second = await manager.getSecret({ secretId: 'prod/db', jsonKey: 'username' });

    // Assess
    expect(first).toBe(CANARY);
    expect(second).toBe('app');
    expect(actions()).toEqual(['GetSecretValue']);
    expect(sm.requests[0]?.accessKeyId).toBe(sm.credentials.accessKeyId);
    expect(manager.stats()).toMatchObject({ apiCalls: 1 });
  });

  it('reads by full ARN, and by partial ARN in a batch', async () => {
    const provider = createAwsProvider(config());
    const arn = sm.arnOf('plain');

    const byArn = await provider.fetch({ secretId: arn });
    const batch = await provider.fetchMany([{ secretId: arn.slice(0, -7) }, { secretId: 'prod/db' }]);

    expect(byArn.secretString).toBe('plain-value');
    expect(batch.map((result) => result.ok && result.payload.name)).toEqual(['plain', 'prod/db']);
    expect(actions()).toEqual(['GetSecretValue', 'BatchGetSecretValue']);
  });

  it('fails with invalid_credentials for a wrong secret key, and leaks neither key nor token', async () => {
    const manager = createAwsSecretsManager(
      config({ secretAccessKey: WRONG_KEY, sessionToken: SESSION_TOKEN }),
    );

    const error = await failure(manager.getSecret('prod/db'));

    expect(error.code).toBe('invalid_credentials');
    expect(error.message).toContain('`secretAccessKey`');
    expect(error.cause).toMatchObject({
      name: expect.stringMatching(/Signature|UnrecognizedClient/),
      $metadata: { httpStatusCode: expect.any(Number) },
    });
  });

  it('fails with secret_not_found, access_denied, decryption_failed and invalid_request', async () => {
    const manager = createAwsSecretsManager(config());

    expect((await failure(manager.getSecret('absent'))).code).toBe('secret_not_found');
    expect((await failure(manager.getSecret('locked'))).code).toBe('decryption_failed');
    expect((await failure(manager.getSecret('doomed'))).code).toBe('invalid_request');
    sm.denyActions(['GetSecretValue']);
    const denied = await failure(manager.getSecret('plain'));
    expect(denied.code).toBe('access_denied');
    expect(denied.message).toContain('secretsmanager:GetSecretValue on secret "plain"');
  });

  it('retries throttling with the SDK strategy, then succeeds', async () => {
    sm.injectFault({ kind: 'throttle', action: 'GetSecretValue', times: 1 });
    const provider = createAwsProvider(config({ maxAttempts: 2 }));

    const payload = await provider.fetch({ secretId: 'plain' });

    expect(payload.secretString).toBe('plain-value');
    expect(sm.requests.map((request) => request.status)).toEqual([400, 200]);
    expect(provider.apiCalls()).toBe(1);
  });

  it('fails with throttled once the attempts run out', async () => {
    sm.injectFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const provider = createAwsProvider(config({ maxAttempts: 2 }));

    const error = await failure(provider.fetch({ secretId: 'plain' }));

    expect(error).toMatchObject({ code: 'throttled', transient: true });
    expect(sm.requests).toHaveLength(2);
  });

  it('marks 5xx answers as transient provider errors', async () => {
    sm.injectFault({ kind: 'http500', times: Number.POSITIVE_INFINITY });
    const provider = createAwsProvider(config({ maxAttempts: 1 }));

    const error = await failure(provider.fetch({ secretId: 'plain' }));

    expect(error).toMatchObject({ code: 'provider_error', transient: true });
  });

  it('times out after requestTimeoutMs', async () => {
    sm.injectFault({ kind: 'delay', ms: 2_000, times: Number.POSITIVE_INFINITY });
    const provider = createAwsProvider(config({ maxAttempts: 1, requestTimeoutMs: 150 }));
    const started = Date.now();

    const error = await failure(provider.fetch({ secretId: 'plain' }));

    expect(error).toMatchObject({ code: 'timeout', transient: true });
    expect(error.message).toContain('150 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('maps a dropped connection to network', async () => {
    sm.injectFault({ kind: 'drop', times: Number.POSITIVE_INFINITY });
    const provider = createAwsProvider(config({ maxAttempts: 1 }));

    const error = await failure(provider.fetch({ secretId: 'plain' }));

    expect(error).toMatchObject({ code: 'network', transient: true });
  });

  it('batches getSecrets, and falls back for good when BatchGetSecretValue is denied', async () => {
    sm.denyActions(['BatchGetSecretValue']);
    const provider = createAwsProvider(config());
    const locators = [{ secretId: 'prod/db' }, { secretId: 'plain' }, { secretId: 'absent' }];

    const first = await provider.fetchMany(locators);
    const second = await provider.fetchMany(locators);

    for (const results of [first, second]) {
      expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
        'ok',
        'ok',
        'secret_not_found',
      ]);
    }
    expect(actions().filter((action) => action === 'BatchGetSecretValue')).toHaveLength(1);
    expect(actions().filter((action) => action === 'GetSecretValue')).toHaveLength(6);
  });

  it('signs a cross-region ARN for its own region, through the same endpoint', async () => {
    const provider = createAwsProvider(config({ maxAttempts: 1 }));
    const foreign = sm.arnOf('plain').replace(`:${sm.region}:`, ':eu-west-1:');

    await provider.fetch({ secretId: foreign }).catch(() => undefined);

    expect(sm.requests[0]?.region).toBe('eu-west-1');
  });
});

describe('testConnection over a local endpoint', () => {
  it('answers ok with region, endpoint and latency', async () => {
    const result = await createAwsSecretsManager(config()).testConnection();

    expect(result).toMatchObject({ ok: true, region: sm.region, endpoint: sm.endpoint });
    expect(actions()).toEqual(['ListSecrets']);
  });

  it.each([
    ['a wrong secret key', 'invalid_credentials'],
    ['an unreachable port', 'network'],
    ['an unknown host', 'unknown_endpoint'],
    ['a slow endpoint', 'timeout'],
  ])('returns ok: false for %s (%s), never throwing', async (situation, code) => {
    let overrides: Partial<AwsSecretsManagerConfig> = { maxAttempts: 1 };
    if (situation === 'a wrong secret key') overrides = { ...overrides, secretAccessKey: WRONG_KEY };
    if (situation === 'an unreachable port')
      overrides = { ...overrides, endpoint: `http://127.0.0.1:${await closedPort()}` };
    if (situation === 'an unknown host') overrides = { ...overrides, endpoint: 'http://nonexistent.invalid' };
    if (situation === 'a slow endpoint') {
      sm.injectFault({ kind: 'delay', ms: 2_000 });
      overrides = { ...overrides, requestTimeoutMs: 150 };
    }

    const result = await createAwsSecretsManager(config(overrides)).testConnection();

    expect(result).toMatchObject({ ok: false, code });
    expectNoCanary(result, WRONG_KEY);
    expectNoCanary(result, sm.credentials.secretAccessKey);
    expect(result.ok === false && result.message).toMatch(/check|grant|raise/);
  });
});
