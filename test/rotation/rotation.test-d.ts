import { describe, expectTypeOf, it } from 'vitest';
import {
  type InvalidationTarget,
  invalidateFromEventBridge,
  isCommonAuthError,
  type SecretEventOutcome,
  type SecretManager,
  type WithConnectionAttempt,
  withConnection,
} from '../../src/index.js';

declare const manager: SecretManager;
const connection = {
  host: 'db',
  port: 5432,
  password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
};

describe('public signatures of rotation', () => {
  it('withConnection gives use the connection type and returns what use returns', () => {
    const rows = withConnection(connection, manager, async (resolved, attempt) => {
      expectTypeOf(resolved).toEqualTypeOf<typeof connection>();
      expectTypeOf(attempt).toEqualTypeOf<WithConnectionAttempt>();
      return [resolved.port];
    });
    expectTypeOf(rows).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(withConnection(connection, manager, () => 'sync')).toEqualTypeOf<Promise<string>>();
    withConnection(connection, { conn1: manager }, () => 1, {
      isAuthError: isCommonAuthError,
      cooldownMs: 0,
    });
    // @ts-expect-error cooldownMs is a number of milliseconds
    withConnection(connection, manager, () => 1, { cooldownMs: '5s' });
  });

  it('invalidateFromEventBridge takes any event and managers with invalidate', () => {
    const targets: InvalidationTarget[] = [manager, { invalidate: () => {} }];
    expectTypeOf(
      invalidateFromEventBridge({ source: 'aws.s3' }, targets),
    ).toEqualTypeOf<SecretEventOutcome>();
    const outcome = invalidateFromEventBridge(null, { conn1: manager });
    if (outcome.handled) expectTypeOf(outcome.secretIds).toEqualTypeOf<string[]>();
    else
      expectTypeOf(outcome.reason).toEqualTypeOf<
        'not_secrets_manager' | 'not_a_change' | 'failed_call' | 'no_secret_id'
      >();
  });
});
