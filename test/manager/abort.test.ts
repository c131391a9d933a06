import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretRefAbortError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider, type MemoryProviderCall } from '../../src/provider/memory.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

describe('createSecretManager abort', () => {
  let calls: MemoryProviderCall[];
  let release: () => void;
  let gate: Promise<void>;

  beforeEach(() => {
    calls = [];
    gate = new Promise((resolve) => {
      release = resolve;
    });
  });
  afterEach(() => {
    release();
  });

  const gated = () =>
    createMemoryProvider(
      { db: CANARY, other: 'x' },
      {
        onCall: async (call) => {
          calls.push(call);
          await gate;
        },
      },
    );

  it('rejects at once when the signal is already aborted, without fetching', async () => {
    const provider = gated();
    const manager = createSecretManager(provider);
    const controller = new AbortController();
    controller.abort();
    const error = await manager
      .getSecret('db', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretRefAbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expectNoCanary(error);
    await expect(
      manager.getSecrets([{ secretId: 'db' }], { signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(provider.apiCalls()).toBe(0);
  });

  it('rejects an aborted reader promptly while the shared fetch goes on for the others', async () => {
    const provider = gated();
    const manager = createSecretManager(provider);
    const controller = new AbortController();
    const patient = manager.getSecret('db');
    const hasty = manager.getSecret('db', { signal: controller.signal });
    controller.abort();
    await expect(hasty).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    release();
    expect(await patient).toBe(CANARY);
    expect(provider.apiCalls()).toBe(1);
  });

  it('aborts the backend request once every reader has gone, and starts afresh for the next', async () => {
    const seen: AbortSignal[] = [];
    const provider = createMemoryProvider({ db: 'v' });
    const original = provider.fetch;
    provider.fetch = (locator, options) => {
      if (options?.signal) seen.push(options.signal);
      return seen.length === 1 ? gate.then(() => original(locator, options)) : original(locator, options);
    };
    const manager = createSecretManager(provider);
    const first = new AbortController();
    const second = new AbortController();
    const a = manager.getSecret('db', { signal: first.signal });
    const b = manager.getSecret('db', { signal: second.signal });
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen[0]?.aborted).toBe(false);
    second.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen[0]?.aborted).toBe(true);
    expect(await manager.getSecret('db')).toBe('v');
    expect(seen).toHaveLength(2);
  });

  it('rejects getSecrets when aborted mid-way', async () => {
    const provider = gated();
    const manager = createSecretManager(provider);
    const controller = new AbortController();
    const pending = manager.getSecrets(
      [{ secretId: 'db' }, { secretId: 'other' }, { secretId: 'db', jsonKey: 'key' }],
      { signal: controller.signal },
    );
    controller.abort(new Error('user left'));
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect((error as Error).cause).toEqual(new Error('user left'));
    expect(calls).toHaveLength(1);
  });

  it('rejects testConnection when aborted', async () => {
    const provider = gated();
    const manager = createSecretManager(provider);
    const controller = new AbortController();
    const pending = manager.testConnection({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
  });
});
