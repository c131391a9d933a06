import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  InternalServiceError,
  ListSecretsCommand,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { clientFor, rejectionOf } from './sdk-client.js';

describe('fault injection and denied actions', () => {
  let sm: LocalSecretsManager;

  beforeAll(async () => {
    sm = await startLocalSecretsManager({ secrets: [{ name: 'db', secretString: 'pw' }] });
  });
  afterEach(() => {
    sm.clearFaults();
    sm.denyActions([]);
    sm.resetRequests();
  });
  afterAll(() => sm.close());

  const getDb = (overrides: Parameters<typeof clientFor>[1] = {}) =>
    clientFor(sm, overrides).send(new GetSecretValueCommand({ SecretId: 'db' }));

  it('throttles once, and the SDK standard retry mode then succeeds', async () => {
    sm.injectFault({ kind: 'throttle' });
    const out = await getDb({ maxAttempts: 3, retryMode: 'standard' });
    expect(out.SecretString).toBe('pw');
    expect(out.$metadata.attempts).toBe(2);
    expect(sm.requests.map((r) => r.status)).toEqual([400, 200]);
  });

  it('surfaces ThrottlingException when retries are off', async () => {
    sm.injectFault({ kind: 'throttle' });
    const error = await rejectionOf(getDb());
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
  });

  it('answers http500 with InternalServiceError, status 500', async () => {
    sm.injectFault({ kind: 'http500' });
    const error = await rejectionOf(getDb());
    expect(error).toBeInstanceOf(InternalServiceError);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500 });
    expect((await getDb()).SecretString).toBe('pw');
  });

  it('drops the connection: the SDK sees a network error, not a service error', async () => {
    sm.injectFault({ kind: 'drop' });
    const error = await rejectionOf(getDb());
    expect(error).not.toBeInstanceOf(SecretsManagerServiceException);
    expect(error.code).toBe('ECONNRESET');
    // The SDK names socket resets TimeoutError too (to retry them): tell a drop from a timeout by `code`.
    expect(error.name).toBe('TimeoutError');
    expect(sm.requests).toMatchObject([{ action: 'GetSecretValue', status: 0 }]);
  });

  it('delays past the request timeout: the SDK throws TimeoutError', async () => {
    sm.injectFault({ kind: 'delay', ms: 400 });
    const error = await rejectionOf(getDb({ requestTimeoutMs: 100 }));
    expect(error.name).toBe('TimeoutError');
    expect(error.code).toBe('ETIMEDOUT');
  });

  it('pins the SDK default: requestTimeout without throwOnRequestTimeout only warns', async () => {
    sm.injectFault({ kind: 'delay', ms: 150 });
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (...args: unknown[]) => warnings.push(args) };
    const out = await getDb({ requestHandler: { requestTimeout: 50, logger } });
    expect(out.SecretString).toBe('pw');
    expect(String(warnings[0])).toContain('requestTimeout');
  });

  it('delays within the timeout: the call succeeds late', async () => {
    sm.injectFault({ kind: 'delay', ms: 120 });
    const started = Date.now();
    expect((await getDb({ requestTimeoutMs: 2000 })).SecretString).toBe('pw');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('delays many requests at once without warning of a listener leak', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      sm.injectFault({ kind: 'delay', ms: 30, times: 12 });
      const client = clientFor(sm);
      const outs = await Promise.all(
        Array.from({ length: 12 }, () => client.send(new GetSecretValueCommand({ SecretId: 'db' }))),
      );
      expect(outs.map((out) => out.SecretString)).toEqual(Array(12).fill('pw'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('applies faults in order, counting down times, to the matching action only', async () => {
    sm.injectFault({ kind: 'accessDenied', action: 'ListSecrets', times: 2 });
    sm.injectFault({ kind: 'http500' });
    sm.injectFault({ kind: 'throttle' });
    const client = clientFor(sm);
    const list = () => client.send(new ListSecretsCommand({}));
    expect((await rejectionOf(getDb())).name).toBe('InternalServiceError');
    expect((await rejectionOf(list())).name).toBe('AccessDeniedException');
    expect((await rejectionOf(getDb())).name).toBe('ThrottlingException');
    expect((await rejectionOf(list())).name).toBe('AccessDeniedException');
    expect((await list()).SecretList).toHaveLength(1);
    expect((await getDb()).SecretString).toBe('pw');
  });

  it('clearFaults drops queued faults', async () => {
    sm.injectFault({ kind: 'http500', times: Number.POSITIVE_INFINITY });
    sm.clearFaults();
    expect((await getDb()).SecretString).toBe('pw');
  });

  it('rejects malformed faults at once', () => {
    expect(() => sm.injectFault({ kind: 'delay', ms: -1 })).toThrow(/`fault.ms`/);
    expect(() => sm.injectFault({ kind: 'throttle', times: 0 })).toThrow(/`fault.times`/);
    expect(() => sm.injectFault({ kind: 'nope' } as never)).toThrow(/`fault.kind`/);
  });

  it('denies configured actions with AccessDeniedException (the Activepieces policy)', async () => {
    const denied = await startLocalSecretsManager({
      secrets: [{ name: 'db', secretString: 'pw' }],
      deniedActions: ['BatchGetSecretValue'],
    });
    try {
      const client = clientFor(denied);
      const error = await rejectionOf(client.send(new BatchGetSecretValueCommand({ SecretIdList: ['db'] })));
      expect(error.name).toBe('AccessDeniedException');
      expect(error.message).toContain('secretsmanager:BatchGetSecretValue');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString).toBe('pw');
      denied.denyActions(['GetSecretValue']);
      const single = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: 'db' })));
      expect(single.message).toContain(`on resource: ${denied.arnOf('db')}`);
      expect(denied.requests.map((r) => [r.action, r.status])).toEqual([
        ['BatchGetSecretValue', 400],
        ['GetSecretValue', 200],
        ['GetSecretValue', 400],
      ]);
    } finally {
      await denied.close();
    }
  });
});
