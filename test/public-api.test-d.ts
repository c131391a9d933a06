import { expectTypeOf, test } from 'vitest';
import {
  type CallOptions,
  createAwsSecretsManager,
  findSecretRefs,
  formatSecretRef,
  parseSecretRef,
  resolveConnection,
  type SecretEvent,
  type SecretManager,
  type SecretRef,
  type SecretResolutionIssue,
  type TestConnectionOptions,
} from '../src/index.js';

test('the fixed public signatures', () => {
  expectTypeOf(parseSecretRef).parameters.toEqualTypeOf<[input: string]>();
  expectTypeOf(parseSecretRef).returns.toEqualTypeOf<SecretRef>();
  expectTypeOf(formatSecretRef)
    .parameter(1)
    .toEqualTypeOf<{ style?: 'cloudformation' | 'ecs' | 'activepieces' } | undefined>();
  expectTypeOf(findSecretRefs).returns.items.toHaveProperty('path').toEqualTypeOf<(string | number)[]>();
  expectTypeOf(createAwsSecretsManager).returns.toEqualTypeOf<SecretManager>();
  expectTypeOf<SecretResolutionIssue>().toHaveProperty('code').toBeString();
});

test('resolveConnection keeps the type of what it is given', () => {
  const connection = { props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', port: 5432 } };
  const manager = {} as SecretManager;
  expectTypeOf(resolveConnection(connection, manager)).resolves.toEqualTypeOf<typeof connection>();
  expectTypeOf(resolveConnection(connection, { conn1: manager })).resolves.toEqualTypeOf<typeof connection>();
  // @ts-expect-error managers must be a manager or a record of managers
  void resolveConnection(connection, 'conn1');
});

test('stage two: options of the reads and of testConnection', () => {
  const manager = {} as SecretManager;
  expectTypeOf(manager.testConnection).parameter(0).toEqualTypeOf<TestConnectionOptions | undefined>();
  expectTypeOf<TestConnectionOptions>().toHaveProperty('secretId').toEqualTypeOf<string | undefined>();
  expectTypeOf<CallOptions>().toHaveProperty('refresh').toEqualTypeOf<boolean | undefined>();
  expectTypeOf<SecretEvent['type']>().toEqualTypeOf<
    'hit' | 'miss' | 'fetch' | 'stale' | 'refresh' | 'changed' | 'invalidated' | 'error' | 'request'
  >();
});
