import { inspect } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { createAwsSecretsManager, SecretRefConfigError } from '../../src/index.js';
import { resolveAwsConfig } from '../../src/provider/aws/config.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';

const KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** A credentials object as the SDK leaves it after a client has used it: decorated with `$source`. */
async function decoratedBySdk(): Promise<Record<string, unknown>> {
  const credentials = { ...KEYS };
  const client = new SecretsManagerClient({ region: 'us-east-1', credentials });
  await (client.config.credentials as () => Promise<unknown>)();
  client.destroy();
  return credentials;
}

const configError = (run: () => unknown): SecretRefConfigError | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as SecretRefConfigError;
  }
};

describe('credential identities the SDK has decorated', () => {
  it('an identity the SDK decorated with $source can be spread into the options', async () => {
    // Prepare
    const credentials = await decoratedBySdk();
    expect(credentials).toHaveProperty('$source');

    // Act
    const manager = createAwsSecretsManager({ region: 'us-east-1', ...credentials });
    const provider = createAwsProvider({ region: 'us-east-1', ...credentials });

    // Assess
    expect(provider.identity).toBe(createAwsProvider({ region: 'us-east-1', ...KEYS }).identity);
    expect(inspect(manager)).not.toContain(KEYS.secretAccessKey);
  });

  it('a temporary identity as the credential providers return it can be spread into the options', () => {
    // Prepare
    const identity = {
      ...KEYS,
      sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
      expiration: new Date(Date.now() + 3_600_000),
      credentialScope: 'us-east-1',
      accountId: '123456789012',
      $source: { CREDENTIALS_PROFILE: 'n' },
    };

    // Act
    const resolved = resolveAwsConfig({ region: 'us-east-1', ...identity });

    // Assess
    expect(resolved.credentials).toEqual({
      accessKeyId: KEYS.accessKeyId,
      secretAccessKey: KEYS.secretAccessKey,
      sessionToken: identity.sessionToken,
    });
  });

  it('the identity object given as `credentials` is not decorated by the SDK', async () => {
    // Prepare: a call that signs (and so resolves the credentials) before it fails to connect.
    const credentials = { ...KEYS };
    const manager = createAwsSecretsManager({
      region: 'us-east-1',
      credentials,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      requestTimeoutMs: 2_000,
    });

    // Act
    const result = await manager.testConnection();

    // Assess
    expect(result.ok).toBe(false);
    expect(Object.keys(credentials)).toEqual(['accessKeyId', 'secretAccessKey']);
  });

  it('what a person types stays checked: misspelt options, identity fields without keys or of the wrong type', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ region: 'us-east-1', ...KEYS, acessKeyId: 'x' }, 'acessKeyId'],
      [{ region: 'us-east-1', $source: {} }, '$source'],
      [{ region: 'us-east-1', accountId: '123456789012' }, 'accountId'],
      [{ region: 'us-east-1', ...KEYS, expiration: 'tomorrow' }, 'expiration'],
      [{ region: 'us-east-1', ...KEYS, accountId: 123456789012 }, 'accountId'],
      [{ region: 'us-east-1', ...KEYS, $sauce: {} }, '$sauce'],
    ];
    for (const [config, option] of cases) {
      const error = configError(() => createAwsSecretsManager(config as never));
      expect(error, option).toBeInstanceOf(SecretRefConfigError);
      expect(error?.message, option).toContain(`\`${option}\``);
      expect(error?.message).not.toContain(KEYS.secretAccessKey);
    }
  });
});
