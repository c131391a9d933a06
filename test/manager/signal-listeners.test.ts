import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretProvider } from '../../src/types.js';
import { limitedController, watchListenerWarnings } from '../support/listener-warnings.js';

const COUNT = 50;
const ids = Array.from({ length: COUNT }, (_, index) => `s${index}`);
const secrets = Object.fromEntries(ids.map((id) => [id, `v-${id}`]));

const leakWarnings = watchListenerWarnings();

/** The memory provider without `fetchMany`, like a backend that has no batch call (or is denied it). */
function withoutBatch(provider: SecretProvider): SecretProvider {
  return {
    kind: provider.kind,
    identity: provider.identity,
    fetch: (locator, options) => provider.fetch(locator, options),
  };
}

describe('abort listeners on the caller signal', () => {
  it('(the check itself) a limited signal warns past 10 listeners on this Node, so these tests can fail', async () => {
    const { signal } = limitedController();
    for (let index = 0; index < 11; index++) signal.addEventListener('abort', () => undefined);
    expect(await leakWarnings()).toHaveLength(1);
  });

  it.each([
    ['with fetchMany', (p: SecretProvider) => p],
    ['without fetchMany', withoutBatch],
  ])(
    'reads 50 uncached secrets with a signal and emits no MaxListenersExceededWarning (%s)',
    async (_label, wrap) => {
      const manager = createSecretManager(wrap(createMemoryProvider(secrets, { latencyMs: 2 })));
      const { signal } = limitedController();
      const results = await manager.getSecrets(ids, { signal });
      expect(results.map((result) => (result.ok ? result.value : undefined))).toEqual(
        ids.map((id) => `v-${id}`),
      );
      expect(await leakWarnings()).toEqual([]);
    },
  );

  it('adds one listener to the caller signal per call, however many keys it waits for, and removes it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const manager = createSecretManager(withoutBatch(createMemoryProvider(secrets, { onCall: () => gate })));
    const { signal } = new AbortController();
    const pending = manager.getSecrets(ids, { signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    release();
    await pending;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('aborts the backend requests once every reader has gone, and only then', async () => {
    const seen: AbortSignal[] = [];
    const base = createMemoryProvider(secrets);
    const provider: SecretProvider = {
      kind: 'memory',
      identity: base.identity,
      fetch: (_locator, options) => {
        if (options?.signal) seen.push(options.signal);
        return new Promise(() => undefined);
      },
    };
    const manager = createSecretManager(provider);
    const first = new AbortController();
    const second = new AbortController();
    const one = manager.getSecrets(ids.slice(0, 20), { signal: first.signal });
    const two = manager.getSecrets(ids.slice(10, 30), { signal: second.signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(30);
    first.abort();
    await expect(one).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(seen.filter((s) => s.aborted)).toHaveLength(10);
    second.abort();
    await expect(two).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(seen.every((s) => s.aborted)).toBe(true);
    expect(getEventListeners(first.signal, 'abort')).toHaveLength(0);
  });

  // The internal signal's own limit matters on Node 20 (10 by default); Node 22.13+ gives an AbortSignal none.
  it('lets one batch request fan out to many sub-requests on its internal signal without a warning', async () => {
    const base = createMemoryProvider(secrets);
    let internal: AbortSignal | undefined;
    const provider: SecretProvider = {
      kind: 'memory',
      identity: base.identity,
      fetch: (locator, options) => base.fetch(locator, options),
      fetchMany: async (locators, options) => {
        internal = options?.signal;
        return Promise.all(
          locators.map(async (locator) => {
            options?.signal?.addEventListener('abort', () => undefined, { once: true });
            return { ok: true as const, payload: await base.fetch(locator) };
          }),
        );
      },
    };
    const manager = createSecretManager(provider);
    const { signal } = limitedController();
    const results = await manager.getSecrets(ids, { signal });
    expect(results.every((result) => result.ok)).toBe(true);
    expect(internal).toBeInstanceOf(AbortSignal);
    expect(internal).not.toBe(signal);
    expect(getEventListeners(internal!, 'abort').length).toBe(COUNT);
    expect(await leakWarnings()).toEqual([]);
  });
});
