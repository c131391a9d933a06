import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import {
  type AwsSecretsManagerConfig,
  createAwsSecretsManager,
} from '../../src/manager/create-aws-secrets-manager.js';
import { resolveAwsConfig } from '../../src/provider/aws/config.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { expectNoCanary } from '../support/canary.js';

const SECRET_KEY = 'SECRETKEY-CANARY-4b1d-do-not-leak';

function configError(run: () => unknown): SecretRefConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretRefConfigError);
    return error as SecretRefConfigError;
  }
  throw new Error('expected a SecretRefConfigError');
}

describe('AWS configuration', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['region', {}],
    ['region', { region: 'US-EAST-1' }],
    ['region', { region: 'useast1' }],
    ['region', { region: 42 }],
    ['accessKeyId', { region: 'us-east-1', secretAccessKey: SECRET_KEY }],
    ['secretAccessKey', { region: 'us-east-1', accessKeyId: 'AKIA1' }],
    ['secretAccessKey', { region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: '' }],
    ['secretAccessKey', { region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: `${SECRET_KEY}\n` }],
    ['accessKeyId', { region: 'us-east-1', accessKeyId: ' AKIA1', secretAccessKey: SECRET_KEY }],
    ['sessionToken', { region: 'us-east-1', sessionToken: 'token' }],
    [
      'sessionToken',
      { region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: SECRET_KEY, sessionToken: 5 },
    ],
    ['credentials', { region: 'us-east-1', credentials: 'default' }],
    ['credentials', { region: 'us-east-1', credentials: { accessKeyId: 'AKIA1' } }],
    ['credentials', { region: 'us-east-1', credentials: async () => ({}), accessKeyId: 'AKIA1' }],
    ['endpoint', { region: 'us-east-1', endpoint: 'localhost:4566' }],
    ['endpoint', { region: 'us-east-1', endpoint: 'ftp://localhost' }],
    ['endpoint', { region: 'us-east-1', endpoint: 'http://user:pass@localhost' }],
    ['endpoint', { region: 'us-east-1', endpoint: 'http://localhost/?a=1' }],
    ['endpoint', { region: 'us-east-1', endpoint: 4566 }],
    ['maxAttempts', { region: 'us-east-1', maxAttempts: 0 }],
    ['maxAttempts', { region: 'us-east-1', maxAttempts: 2.5 }],
    ['maxAttempts', { region: 'us-east-1', maxAttempts: '3' }],
    ['requestTimeoutMs', { region: 'us-east-1', requestTimeoutMs: 0 }],
    ['requestTimeoutMs', { region: 'us-east-1', requestTimeoutMs: Number.POSITIVE_INFINITY }],
    ['client', { client: {} }],
    ['region', { client: new SecretsManagerClient({ region: 'us-east-1' }), region: 'us-east-1' }],
    ['endpoint', { client: new SecretsManagerClient({ region: 'us-east-1' }), endpoint: 'http://localhost' }],
    ['maxAttempts', { client: new SecretsManagerClient({ region: 'us-east-1' }), maxAttempts: 2 }],
    ['secretKey', { region: 'us-east-1', secretKey: SECRET_KEY }],
    ['config', null],
  ])('rejects a bad `%s` at construction, naming it', (option, config) => {
    // Act
    const error = configError(() => createAwsProvider(config as never));

    // Assess
    expect(error.option).toBe(option);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(`\`${option}\``);
    expectNoCanary(error, SECRET_KEY);
  });

  it('checks the configuration in createAwsSecretsManager too, and the cache options through the manager', () => {
    expect(configError(() => createAwsSecretsManager({ region: 'nowhere' })).option).toBe('region');
    expect(() => createAwsSecretsManager({ region: 'us-east-1', cache: { ttlMs: -1 } })).toThrow(
      /cache\.ttlMs/,
    );
  });

  it("accepts createAwsSecretsManager's configuration in createAwsProvider, `cache` included", () => {
    const config: AwsSecretsManagerConfig = { region: 'us-east-1', cache: { ttlMs: 1_000 } };
    expect(createAwsProvider(config).kind).toBe('aws');
  });

  it('never quotes a value that could be a key pasted into the wrong option', () => {
    // Prepare: a stored connection whose region and secret key were swapped, as a 40-character AWS secret key
    const pasted = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

    // Act
    const errors = [
      configError(() => resolveAwsConfig({ region: pasted })),
      configError(() => resolveAwsConfig({ region: 'us-east-1', maxAttempts: pasted as never })),
      configError(() => resolveAwsConfig({ region: 'us-east-1', requestTimeoutMs: pasted as never })),
      configError(() => {
        vi.stubEnv('AWS_REGION', pasted);
        resolveAwsConfig({});
      }),
    ];

    // Assess: the option is named, the value only by its length
    for (const error of errors) {
      expectNoCanary(error, pasted);
      expect(error.message).toContain('a string of 40 characters');
    }
    expect(configError(() => resolveAwsConfig({ region: 'eu-nowhere' })).message).toContain('"eu-nowhere"');
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-3');
    expect(resolveAwsConfig({}).region).toBe('eu-west-3');
    vi.stubEnv('AWS_REGION', 'ap-northeast-1');
    expect(resolveAwsConfig({}).region).toBe('ap-northeast-1');
    expect(resolveAwsConfig({ region: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
    expect(resolveAwsConfig({ region: 'eusc-de-east-1' }).region).toBe('eusc-de-east-1');
  });

  it('rejects a malformed region from the environment, naming `region`', () => {
    vi.stubEnv('AWS_REGION', 'not a region');
    expect(configError(() => resolveAwsConfig({})).option).toBe('region');
  });

  it('fills defaults: 3 attempts, 5 s timeout, no endpoint, the default credential chain', () => {
    expect(resolveAwsConfig({ region: 'us-east-1' })).toEqual({
      region: 'us-east-1',
      endpoint: undefined,
      credentials: undefined,
      client: undefined,
      maxAttempts: 3,
      requestTimeoutMs: 5_000,
    });
  });

  it('accepts static keys, a session token, identity objects and credential providers', () => {
    const keys = resolveAwsConfig({
      region: 'us-east-1',
      accessKeyId: 'AKIA1',
      secretAccessKey: SECRET_KEY,
      sessionToken: 'token',
    });
    expect(keys.credentials).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: SECRET_KEY,
      sessionToken: 'token',
    });
    const provider = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(resolveAwsConfig({ region: 'us-east-1', credentials: provider }).credentials).toBe(provider);
    expect(resolveAwsConfig({ region: 'us-east-1', endpoint: 'https://vpce.example.com/' }).endpoint).toBe(
      'https://vpce.example.com',
    );
  });

  it('needs no region with an injected client', () => {
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    expect(resolveAwsConfig({ client }).client).toBe(client);
  });
});
