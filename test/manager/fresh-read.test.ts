import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { freshReaderOf } from '../../src/manager/fresh-read.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { scanSecretRefsMemo } from '../../src/resolve/scan-memo.js';
import type { SecretRef } from '../../src/types.js';
import { createFakeManager } from '../resolve/fake-manager.js';
import { CANARY } from '../support/canary.js';

const TTL = 60_000;

function setup() {
  const provider = createMemoryProvider({
    db: JSON.stringify({ user: 'app', password: CANARY }),
    api: 'ak-live-1234',
  });
  const manager = createSecretManager(provider, { cache: { ttlMs: TTL, jitter: 0 } });
  return { provider, manager, read: freshReaderOf(manager)! };
}

const parsed = (text: string): SecretRef => scanSecretRefsMemo(text)[0]!.ref!;

describe('the fresh reader of a manager (the warm path of resolveConnection)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('exists only for managers made by createSecretManager', () => {
    const { read } = setup();
    expect(read).toBeTypeOf('function');
    expect(freshReaderOf(createFakeManager({}))).toBeUndefined();
  });

  it('answers nothing, and counts nothing, until every reference is fresh in the cache', async () => {
    const { manager, read, provider } = setup();
    const refs = [parsed('{{resolve:secretsmanager:db:SecretString:password}}'), { secretId: 'api' }];
    expect(read(refs)).toBeUndefined();
    await manager.getSecret('db');
    expect(read(refs)).toBeUndefined();
    expect(manager.stats()).toMatchObject({ hits: 0, misses: 1 });
    const viaPromise = await manager.getSecrets(refs);
    const before = manager.stats();
    const warm = read(refs);
    expect(warm).toEqual(viaPromise);
    expect(warm).toEqual([
      { ok: true, value: CANARY },
      { ok: true, value: 'ak-live-1234' },
    ]);
    expect(manager.stats()).toMatchObject({ hits: before.hits + 2, misses: before.misses });
    expect(provider.apiCalls()).toBe(2);
  });

  it('returns the same failures as getSecrets, in order, for bad and missing references', async () => {
    const { manager, read } = setup();
    const refs = [{ secretId: 'db', jsonKey: 'nope' }, { secretId: '' }, { secretId: 'db' }] as SecretRef[];
    const viaPromise = await manager.getSecrets(refs);
    const warm = read(refs);
    expect(warm?.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'json_key_not_found',
      'invalid_reference',
      'ok',
    ]);
    expect(warm?.map((result) => (result.ok ? result.value : result.error.message))).toEqual(
      viaPromise.map((result) => (result.ok ? result.value : result.error.message)),
    );
  });

  it('answers nothing once an entry expires, is invalidated, or the signal has fired', async () => {
    const { manager, read } = setup();
    const refs = [{ secretId: 'api' }];
    await manager.getSecrets(refs);
    expect(read(refs)).toBeDefined();
    const controller = new AbortController();
    controller.abort();
    expect(read(refs, controller.signal)).toBeUndefined();
    manager.invalidate('api');
    expect(read(refs)).toBeUndefined();
    await manager.getSecrets(refs);
    vi.advanceTimersByTime(TTL + 1);
    expect(read(refs)).toBeUndefined();
  });

  it('lets resolveConnection resolve a warm connection with no API call, counting hits as before', async () => {
    const { manager, provider } = setup();
    const connection = {
      user: '{{resolve:secretsmanager:db:SecretString:user}}',
      url: 'postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@host/db',
      key: '{{resolve:secretsmanager:api}}',
    };
    const cold = await resolveConnection(connection, manager);
    const calls = provider.apiCalls();
    const before = manager.stats();
    const warm = await resolveConnection(connection, manager);
    expect(warm).toEqual(cold);
    expect(warm).toEqual({ user: 'app', url: `postgres://app:${CANARY}@host/db`, key: 'ak-live-1234' });
    expect(warm).not.toBe(cold);
    expect(provider.apiCalls()).toBe(calls);
    expect(manager.stats()).toMatchObject({ hits: before.hits + 2, misses: before.misses });
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
});
