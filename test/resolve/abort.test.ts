import { describe, expect, it } from 'vitest';
import { SecretRefAbortError, SecretRefError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

const connection = { props: { password: '{{resolve:secretsmanager:db:SecretString:password}}' } };

function expectAbort(error: unknown): void {
  expect(error).toBeInstanceOf(SecretRefAbortError);
  expect(error).toBeInstanceOf(SecretRefError);
  expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
}

describe('aborting a resolve', () => {
  it('rejects before any fetch when the signal is already aborted', async () => {
    const fake = createFakeManager({ 'db/password': CANARY });
    const error = await resolveConnection(connection, fake, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expectAbort(error);
    expect(fake.calls).toEqual([]);
    expectNoCanary(error);
  });

  it('rejects promptly mid-fetch, even when the manager ignores the signal', async () => {
    // Prepare
    const hanging: SecretManager = { ...createFakeManager({}), getSecrets: () => new Promise(() => {}) };
    const controller = new AbortController();
    const pending = resolveConnectionSettled(connection, hanging, { signal: controller.signal });
    // Act
    setTimeout(() => controller.abort(), 5);
    const started = Date.now();
    const error = await pending.catch((e: unknown) => e);
    // Assess
    expectAbort(error);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('passes the signal to every manager and aborts a real manager mid-fetch', async () => {
    const provider = createMemoryProvider({ db: JSON.stringify({ password: CANARY }) }, { latencyMs: 5_000 });
    const manager = createSecretManager(provider);
    const controller = new AbortController();
    const pending = resolveConnection(connection, { conn: manager }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error = await pending.catch((e: unknown) => e);
    expectAbort(error);
    expectNoCanary(error);

    const fake = createFakeManager({ 'db/password': 'x' });
    const signal = new AbortController().signal;
    await resolveConnection(connection, fake, { signal });
    expect(fake.callOptions).toEqual([{ signal }]);
  });

  it('keeps the abort reason as cause', async () => {
    const reason = new Error('shutting down');
    const error = await resolveConnection(connection, createFakeManager({}), {
      signal: AbortSignal.abort(reason),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ cause: reason, name: 'AbortError', code: 'aborted' });
  });
});
