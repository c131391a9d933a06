import { describe, expect, it } from 'vitest';
import { SecretFetchError } from '../../src/errors.js';
import type { SecretEvent } from '../../src/events.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretProvider } from '../../src/types.js';

function counting(
  existing: Record<string, string>,
  code: 'secret_not_found' | 'access_denied' | 'throttled' = 'secret_not_found',
) {
  const calls: string[] = [];
  const provider: SecretProvider = {
    kind: 'counting',
    identity: 'counting',
    services: ['secretsmanager', 'ssm'],
    async fetch({ secretId }) {
      calls.push(secretId);
      const value = existing[secretId];
      if (value === undefined)
        throw new SecretFetchError(code, `no ${JSON.stringify(secretId)}`, {
          ref: secretId,
          transient: code === 'throttled',
        });
      return { secretString: value };
    },
  };
  return { provider, calls };
}

describe('cache option negativeTtlMs', () => {
  it('remembers secret_not_found for a reference, serves it without a call, counts it and says so in an event', async () => {
    const { provider, calls } = counting({});
    const events: SecretEvent[] = [];
    const manager = createSecretManager(provider, {
      cache: { negativeTtlMs: 60_000 },
      onEvent: (event) => events.push(event),
    });

    await expect(manager.getSecret('{{resolve:ssm:/typo}}')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
    await expect(manager.getSecret('{{resolve:ssm:/typo}}')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
    await expect(manager.getSecret('db-typo')).rejects.toMatchObject({ code: 'secret_not_found' });

    expect(calls).toStrictEqual(['/typo', 'db-typo']);
    expect(manager.stats().negativeHits).toBe(1);
    expect(events).toContainEqual({
      type: 'hit',
      secretId: '/typo',
      tier: 'memory',
      code: 'secret_not_found',
    });
  });

  it('access_denied is remembered too; a transient error is not', async () => {
    const denied = counting({}, 'access_denied');
    const manager = createSecretManager(denied.provider, { cache: { negativeTtlMs: 60_000 } });
    await manager.getSecrets(['x', 'x']);
    await manager.getSecrets(['x']);
    expect(denied.calls).toStrictEqual(['x']);

    const throttled = counting({}, 'throttled');
    const other = createSecretManager(throttled.provider, { cache: { negativeTtlMs: 60_000 } });
    await other.getSecrets(['x']);
    await other.getSecrets(['x']);
    expect(throttled.calls).toStrictEqual(['x', 'x']);
  });

  it('invalidate and refresh: true forget it; it ends after negativeTtlMs; 0 (the default) turns it off', async () => {
    const existing: Record<string, string> = {};
    const { provider, calls } = counting(existing);
    const manager = createSecretManager(provider, { cache: { negativeTtlMs: 80 } });

    await manager.getSecrets(['a']);
    existing.a = 'created';
    await expect(manager.getSecret('a')).rejects.toMatchObject({ code: 'secret_not_found' });
    await expect(manager.getSecret('a', { refresh: true })).resolves.toBe('created');
    delete existing.a;
    manager.invalidate('a');
    await manager.getSecrets(['a']);
    existing.a = 'back';
    manager.invalidate('a');
    await expect(manager.getSecret('a')).resolves.toBe('back');
    expect(calls).toStrictEqual(['a', 'a', 'a', 'a']);

    delete existing.a;
    manager.invalidate();
    await manager.getSecrets(['a']);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await manager.getSecrets(['a']);
    expect(calls).toHaveLength(6);

    const off = counting({});
    const plain = createSecretManager(off.provider);
    await plain.getSecrets(['a']);
    await plain.getSecrets(['a']);
    expect(off.calls).toHaveLength(2);
  });

  it('refuses a negative or non-numeric negativeTtlMs, naming it', () => {
    const { provider } = counting({});
    expect(() => createSecretManager(provider, { cache: { negativeTtlMs: -1 } })).toThrow(
      /cache\.negativeTtlMs/,
    );
  });
});
