import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { CANARY } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

function setup() {
  const provider = createMemoryProvider({
    db: JSON.stringify({ user: 'app', password: CANARY }),
    api: 'ak-live-1234',
  });
  const manager = createSecretManager(provider, { cache: { ttlMs: 60_000, jitter: 0 } });
  return { provider, manager };
}

const connection = {
  user: '{{resolve:secretsmanager:db:SecretString:user}}',
  url: 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@host/db',
  nested: { list: ['{{resolve:secretsmanager:api}}', 5, null], flag: true },
};
const expected = {
  user: 'app',
  url: `postgres://app:${CANARY}@host/db`,
  nested: { list: ['ak-live-1234', 5, null], flag: true },
};

describe('a warm resolve (every secret cached)', () => {
  it('resolves a nested connection with no API call, counting one hit per distinct secret', async () => {
    const { manager, provider } = setup();
    const cold = await resolveConnection(connection, manager);
    const calls = provider.apiCalls();
    const before = manager.stats();
    const warm = await resolveConnection(connection, manager);
    expect(warm).toEqual(expected);
    expect(warm).toEqual(cold);
    expect(warm).not.toBe(cold);
    expect(warm.nested).not.toBe(cold.nested);
    expect(provider.apiCalls()).toBe(calls);
    expect(manager.stats()).toMatchObject({ hits: before.hits + 2, misses: before.misses });
  });

  it('gives a compiled connection the same value and the same counts as resolveConnection', async () => {
    const { manager, provider } = setup();
    const compiled = compileConnection(connection);
    expect(await compiled.resolve(manager)).toEqual(expected);
    const before = manager.stats();
    expect(await compiled.resolve(manager)).toEqual(expected);
    expect(await resolveConnection(connection, manager)).toEqual(expected);
    expect(manager.stats()).toMatchObject({ hits: before.hits + 4, misses: before.misses });
    expect(provider.apiCalls()).toBe(1);
  });

  it('reads the new version after an invalidation, by the same compiled references', async () => {
    const { manager, provider } = setup();
    const compiled = compileConnection(connection);
    await compiled.resolve(manager);
    provider.setSecret('api', 'ak-live-5678');
    manager.invalidate('api');
    expect((await compiled.resolve(manager)).nested.list[0]).toBe('ak-live-5678');
  });

  it('mixes a warm manager and a cold one in one resolve, asking each once', async () => {
    const { manager } = setup();
    const fake = createFakeManager({ 'other/key': 'v-other' });
    await manager.getSecret('api');
    const value = await resolveConnection(
      { a: '{{conn1|ap_sep_v1|api}}', b: '{{conn2|ap_sep_v1|other:key}}' },
      { conn1: manager, conn2: fake },
    );
    expect(value).toEqual({ a: 'ak-live-1234', b: 'v-other' });
    expect(fake.calls).toHaveLength(1);
  });

  it('rejects an aborted resolve even when every secret is cached', async () => {
    const { manager } = setup();
    await resolveConnection(connection, manager);
    const controller = new AbortController();
    controller.abort();
    await expect(resolveConnection(connection, manager, { signal: controller.signal })).rejects.toMatchObject(
      {
        name: 'AbortError',
      },
    );
  });
});
