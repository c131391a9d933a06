import { describe, expect, it } from 'vitest';
import { createSecretCache } from '../../src/cache/create-secret-cache.js';
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

describe('negativeTtlMs and invalidate', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';

  /** One secret, `db`, missing until created; it answers by name, full ARN or partial ARN; a fetch may be held. */
  function creatable() {
    let value: string | undefined;
    let hold: Promise<void> | undefined;
    const provider: SecretProvider = {
      kind: 'creatable',
      identity: 'creatable',
      async fetch({ secretId }) {
        const found = value;
        if (hold !== undefined) await hold;
        if (found === undefined || (secretId !== 'db' && secretId !== arn && secretId !== arn.slice(0, -7)))
          throw new SecretFetchError('secret_not_found', 'no such secret', { ref: secretId });
        return { secretString: found, name: 'db', arn, versionId: found };
      },
    };
    return {
      provider,
      create: (secret: string) => {
        value = secret;
      },
      held: () => {
        let open: () => void = () => undefined;
        hold = new Promise<void>((resolve) => {
          open = resolve;
        });
        return () => {
          hold = undefined;
          open();
        };
      },
    };
  }

  const forms = [
    ['name', 'full ARN', 'db', arn],
    ['name', 'partial ARN', 'db', arn.slice(0, -7)],
    ['full ARN', 'name', arn, 'db'],
  ] as const;
  for (const [readBy, invalidateBy, readId, invalidateId] of forms) {
    it(`a not-found answer read by ${readBy} is forgotten by invalidate by ${invalidateBy}`, async () => {
      const { provider, create } = creatable();
      const manager = createSecretManager(provider, { cache: { negativeTtlMs: 60_000 } });
      await expect(manager.getSecret(readId)).rejects.toMatchObject({ code: 'secret_not_found' });

      create('created');
      manager.invalidate(invalidateId);

      await expect(manager.getSecret(readId)).resolves.toBe('created');
    });
  }

  it('a not-found answer is forgotten by invalidate on another manager of the same cache and provider', async () => {
    const { provider, create } = creatable();
    const cache = createSecretCache({ negativeTtlMs: 60_000 });
    const reader = createSecretManager(provider, { cache });
    const operator = createSecretManager(provider, { cache });
    await expect(reader.getSecret('db')).rejects.toMatchObject({ code: 'secret_not_found' });

    create('created');
    operator.invalidate(arn);

    await expect(reader.getSecret('db')).resolves.toBe('created');
  });

  it('a not-found answer of a fetch that began before invalidate is not remembered', async () => {
    // Prepare: the fetch finds nothing, then waits
    const { provider, create, held } = creatable();
    const manager = createSecretManager(provider, { cache: { negativeTtlMs: 60_000 } });
    const release = held();
    const before = manager.getSecret('db');
    await new Promise((resolve) => setImmediate(resolve));

    // Act: the secret is created and invalidated while that answer is on its way
    create('created');
    manager.invalidate('db');
    release();

    // Assess: the reader that began before gets its answer; the next read asks again
    await expect(before).rejects.toMatchObject({ code: 'secret_not_found' });
    await expect(manager.getSecret('db')).resolves.toBe('created');
  });
});
