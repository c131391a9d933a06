import { describe, expect, it, vi } from 'vitest';
import { SecretFetchError, SecretRefConfigError } from '../../src/errors.js';
import { createMemoryProvider, type MemorySecret } from '../../src/provider/memory.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { type ContractSecret, testProvider } from '../support/provider-contract.js';

function toMemorySecrets(fixture: readonly ContractSecret[]): Record<string, MemorySecret> {
  return Object.fromEntries(fixture.map((secret) => [secret.name, { versions: secret.versions }]));
}

testProvider('memory', (fixture) => ({ provider: createMemoryProvider(toMemorySecrets(fixture)) }));

describe('createMemoryProvider', () => {
  it('makes the last version current when no version is labelled AWSCURRENT', async () => {
    const provider = createMemoryProvider({ rotated: { versions: [{ value: 'one' }, { value: 'two' }] } });
    expect((await provider.fetch({ secretId: 'rotated' })).secretString).toBe('two');
  });

  it('gives every provider its own identity unless one is given', () => {
    expect(createMemoryProvider().identity).not.toBe(createMemoryProvider().identity);
    expect(createMemoryProvider({}, { identity: 'fixed' }).identity).toBe('fixed');
  });

  it('hands out copies of binary values', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const provider = createMemoryProvider({ blob: bytes });
    bytes[0] = 9;
    const first = await provider.fetch({ secretId: 'blob' });
    first.secretBinary?.fill(0);
    expect([...((await provider.fetch({ secretId: 'blob' })).secretBinary ?? [])]).toEqual([1, 2, 3]);
  });

  it('can change and delete secrets', async () => {
    const provider = createMemoryProvider({ db: 'one' });
    provider.setSecret('db', 'two');
    expect((await provider.fetch({ secretId: 'db' })).secretString).toBe('two');
    provider.deleteSecret('db');
    await expect(provider.fetch({ secretId: 'db' })).rejects.toMatchObject({ code: 'secret_not_found' });
  });

  it('fails every item of fetchMany when the onCall hook throws', async () => {
    const provider = createMemoryProvider(
      { a: CANARY, b: CANARY },
      {
        onCall: () => {
          throw new SecretFetchError('throttled', 'Rate exceeded');
        },
      },
    );
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);
    expect(results.map((result) => !result.ok && result.error.code)).toEqual(['throttled', 'throttled']);
    for (const result of results) expectNoCanary(result.ok ? result.payload : result.error);
  });

  it('reports a failing hook from testConnection as a result, not a throw', async () => {
    const provider = createMemoryProvider(
      {},
      {
        onCall: () => {
          throw new Error(`boom ${CANARY}`);
        },
      },
    );
    const result = await provider.testConnection();
    expect(result).toMatchObject({ ok: false, code: 'provider_error' });
    expect(JSON.stringify(result)).not.toContain(CANARY);
  });

  it('waits latencyMs and honours abort during the wait', async () => {
    vi.useFakeTimers();
    try {
      const provider = createMemoryProvider({ db: 'value' }, { latencyMs: 1_000 });
      const slow = provider.fetch({ secretId: 'db' });
      await vi.advanceTimersByTimeAsync(999);
      let done = false;
      void slow.then(() => {
        done = true;
      });
      await Promise.resolve();
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await slow).secretString).toBe('value');
      const controller = new AbortController();
      const aborted = provider.fetch({ secretId: 'db' }, { signal: controller.signal });
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects bad options and bad secrets naming them', () => {
    expect(() => createMemoryProvider({}, { latencyMs: -1 })).toThrow(SecretRefConfigError);
    expect(() => createMemoryProvider({}, { pageSize: 0 })).toThrow(/`pageSize`/);
    expect(() => createMemoryProvider({ db: 42 as unknown as string })).toThrow(/`secrets.db`/);
    expect(() => createMemoryProvider({ db: { versions: [] } })).toThrow(/at least one version/);
  });

  it('rejects a page size below 1 when listing', async () => {
    const provider = createMemoryProvider({ a: 'x' });
    const listing = provider.listSecrets({ pageSize: 0 })[Symbol.asyncIterator]();
    await expect(listing.next()).rejects.toThrow(SecretRefConfigError);
  });
});
