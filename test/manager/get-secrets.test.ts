import { describe, expect, it, vi } from 'vitest';
import { SecretFetchError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretProvider, SecretRef } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const names = Array.from({ length: 25 }, (_, index) => `app/secret-${index}`);

function seeded() {
  return createMemoryProvider({
    ...Object.fromEntries(names.map((name) => [name, JSON.stringify({ user: name, password: CANARY })])),
    rotated: { versions: [{ value: 'old', stages: ['AWSPREVIOUS'] }, { value: 'new' }] },
    plain: CANARY,
  });
}

describe('getSecrets', () => {
  it('fetches 25 distinct current secrets, several keys of one, in one fetchMany call', async () => {
    const provider = seeded();
    const fetchMany = vi.spyOn(provider, 'fetchMany');
    const fetch = vi.spyOn(provider, 'fetch');
    const manager = createSecretManager(provider);
    const refs: SecretRef[] = [
      ...names.map((name) => ({ secretId: name, jsonKey: 'user' })),
      { secretId: names[0]!, jsonKey: 'password' },
      { secretId: names[0]!, versionStage: 'AWSCURRENT', jsonKey: 'user' },
      { secretId: names[3]! },
    ];
    const results = await manager.getSecrets(refs);
    expect(fetchMany).toHaveBeenCalledTimes(1);
    expect(fetchMany.mock.calls[0]![0]).toHaveLength(25);
    expect(fetch).not.toHaveBeenCalled();
    expect(provider.apiCalls()).toBe(1);
    expect(results.slice(0, 25)).toEqual(names.map((name) => ({ ok: true, value: name })));
    expect(results[25]).toEqual({ ok: true, value: CANARY });
    expect(results[26]).toEqual({ ok: true, value: names[0] });
    expect(results[27]).toMatchObject({ ok: true });
    expect(manager.stats()).toMatchObject({ misses: 25, hits: 0, size: 25 });
  });

  it('serves cache hits and fetches only the misses; pinned versions through fetch, concurrently', async () => {
    const provider = seeded();
    const manager = createSecretManager(provider);
    await manager.getSecret({ secretId: names[0]!, jsonKey: 'user' });
    const fetchMany = vi.spyOn(provider, 'fetchMany');
    const fetch = vi.spyOn(provider, 'fetch');
    const results = await manager.getSecrets([
      { secretId: names[0]!, jsonKey: 'user' },
      { secretId: names[1]!, jsonKey: 'user' },
      { secretId: names[2]!, jsonKey: 'user' },
      { secretId: 'rotated', versionStage: 'AWSPREVIOUS' },
    ]);
    expect(results.map((result) => result.ok && result.value)).toEqual([names[0], names[1], names[2], 'old']);
    expect(fetchMany.mock.calls.map(([locators]) => locators.map((locator) => locator.secretId))).toEqual([
      [names[1], names[2]],
    ]);
    expect(fetch.mock.calls.map(([locator]) => locator)).toEqual([
      { secretId: 'rotated', versionStage: 'AWSPREVIOUS' },
    ]);
    expect(manager.stats()).toMatchObject({ hits: 1, misses: 4 });
  });

  it('reads a single current miss with fetch, not fetchMany', async () => {
    const provider = seeded();
    const fetchMany = vi.spyOn(provider, 'fetchMany');
    const manager = createSecretManager(provider);
    await manager.getSecrets([{ secretId: 'plain' }, { secretId: 'rotated', versionStage: 'AWSPREVIOUS' }]);
    expect(fetchMany).not.toHaveBeenCalled();
    expect(provider.apiCalls()).toBe(2);
  });

  it('falls back to fetch for each secret when the provider has no fetchMany', async () => {
    const memory = seeded();
    const provider: SecretProvider = { kind: 'plain', identity: 'plain:1', fetch: memory.fetch };
    const manager = createSecretManager(provider);
    const results = await manager.getSecrets(
      names.slice(0, 3).map((name) => ({ secretId: name, jsonKey: 'user' })),
    );
    expect(results.map((result) => result.ok && result.value)).toEqual(names.slice(0, 3));
    expect(memory.apiCalls()).toBe(3);
  });

  it('reports each failing reference in place and never rejects for one', async () => {
    const provider = seeded();
    const manager = createSecretManager(provider);
    const results = await manager.getSecrets([
      { secretId: names[0]!, jsonKey: 'user' },
      { secretId: 'absent' },
      { secretId: names[1]!, jsonKey: 'nope' },
      { secretId: 'plain', jsonKey: 'user' },
      '{{resolve:secretsmanager:' as never,
      { secretId: '' },
      { secretId: 'rotated', versionStage: 'NO_SUCH_STAGE' },
    ]);
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'ok',
      'secret_not_found',
      'json_key_not_found',
      'not_json',
      'invalid_reference',
      'invalid_reference',
      'secret_not_found',
    ]);
    for (const result of results) if (!result.ok) expectNoCanary(result.error);
  });

  it('turns a fetchMany that throws into an error for each of its references', async () => {
    const provider = seeded();
    vi.spyOn(provider, 'fetchMany').mockRejectedValue(new SecretFetchError('throttled', 'Rate exceeded'));
    const manager = createSecretManager(provider);
    const results = await manager.getSecrets([{ secretId: names[0]! }, { secretId: names[1]! }]);
    expect(results.map((result) => !result.ok && result.error.code)).toEqual(['throttled', 'throttled']);
  });

  it('turns a short fetchMany answer into a provider_error for the missing items', async () => {
    const provider = seeded();
    vi.spyOn(provider, 'fetchMany').mockResolvedValue([{ ok: true, payload: { secretString: 'x' } }]);
    const manager = createSecretManager(provider);
    const results = await manager.getSecrets([{ secretId: names[0]! }, { secretId: names[1]! }]);
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'x',
      'provider_error',
    ]);
  });

  it('wraps a foreign error from the provider as provider_error, keeping it as cause', async () => {
    const provider = seeded();
    const foreign = new TypeError('socket closed');
    vi.spyOn(provider, 'fetch').mockRejectedValue(foreign);
    const manager = createSecretManager(provider);
    const error = await manager.getSecret('plain').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'SecretFetchError', code: 'provider_error', ref: 'plain' });
    expect((error as Error).cause).toBe(foreign);
    expectNoCanary(error);
  });
});
