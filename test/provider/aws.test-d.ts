import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromIni } from '@aws-sdk/credential-providers';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AwsSecretsManagerConfig,
  createAwsSecretsManager,
} from '../../src/manager/create-aws-secrets-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { type AwsProvider, createAwsProvider } from '../../src/provider/aws/index.js';
import type { SecretProvider } from '../../src/types.js';

describe('AWS provider types', () => {
  it('takes an AwsSecretsManagerConfig and returns a SecretManager or an AwsProvider', () => {
    expectTypeOf(createAwsSecretsManager).parameter(0).toEqualTypeOf<AwsSecretsManagerConfig>();
    expectTypeOf(createAwsSecretsManager).returns.toEqualTypeOf<SecretManager>();
    expectTypeOf(createAwsProvider).returns.toEqualTypeOf<AwsProvider>();
    expectTypeOf<AwsProvider>().toMatchTypeOf<SecretProvider>();
  });

  it('accepts every documented form of credentials', () => {
    expectTypeOf({
      region: 'us-east-1',
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: 'c',
    }).toMatchTypeOf<AwsSecretsManagerConfig>();
    expectTypeOf({
      region: 'us-east-1',
      credentials: fromIni({ profile: 'dev' }),
    }).toMatchTypeOf<AwsSecretsManagerConfig>();
    expectTypeOf({ client: new SecretsManagerClient({}) }).toMatchTypeOf<AwsSecretsManagerConfig>();
    expectTypeOf({ region: 'us-east-1', cache: false as const }).toMatchTypeOf<AwsSecretsManagerConfig>();
    // @ts-expect-error `maxAttempts` is a number
    createAwsProvider({ region: 'us-east-1', maxAttempts: '3' });
  });
});
