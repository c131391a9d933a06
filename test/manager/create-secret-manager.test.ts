import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { SecretRefConfigError, SecretRefError, SecretRefSyntaxError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretProvider } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const json = JSON.stringify({ user: 'app', password: CANARY, nested: { port: 5432 }, empty: null });

function setup() {
  const provider = createMemoryProvider({
    db: json,
    plain: CANARY,
    notJson: `{"password": ${CANARY}`,
    blob: new Uint8Array([0xca, 0xfe, 0x00]),
    array: JSON.stringify([CANARY]),
  });
  return { provider, manager: createSecretManager(provider) };
}

async function caught(promise: Promise<unknown>): Promise<SecretRefError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SecretRefError);
  expectNoCanary(error);
  return error as SecretRefError;
}

describe('createSecretManager values', () => {
  it('reads the whole string, a JSON key, a nested path, and accepts every reference form', async () => {
    const { manager } = setup();
    expect(await manager.getSecret('plain')).toBe(CANARY);
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    expect(await manager.getSecret('{{resolve:secretsmanager:db:SecretString:user}}')).toBe('app');
    expect(await manager.getSecret('{{conn-1|ap_sep_v1|db:user}}')).toBe('app');
    expect(await manager.getSecret({ secretId: 'db', jsonKey: 'nested.port' })).toBe('5432');
    expect(await manager.getSecret({ secretId: 'db', jsonKey: 'nested' })).toBe('{"port":5432}');
  });

  it('fails with not_json without quoting the value or the parser message', async () => {
    const { manager } = setup();
    const error = await caught(manager.getSecret('notJson:password'));
    expect(error).toMatchObject({
      code: 'not_json',
      ref: '{{resolve:secretsmanager:notJson:SecretString:password}}',
    });
    expect(error.message).toBe(
      'Secret "notJson" is not valid JSON, so JSON key "password" cannot be read from it',
    );
    expect(error.cause).toBeUndefined();
  });

  it('fails with json_key_not_found for a missing or null key', async () => {
    const { manager } = setup();
    for (const key of ['missing', 'empty', 'nested.nope']) {
      const error = await caught(manager.getSecret({ secretId: 'db', jsonKey: key }));
      expect(error.code).toBe('json_key_not_found');
      expect(error.message).toContain(JSON.stringify(key));
    }
    const activepieces = await caught(manager.getSecret('{{conn-1|ap_sep_v1|db:missing}}'));
    expect(activepieces.ref).toBe('{{conn-1|ap_sep_v1|db:missing}}');
    const staged = await caught(
      manager.getSecret({ secretId: 'db', jsonKey: 'a:b', versionStage: 'AWSCURRENT' }),
    );
    expect(staged.ref).toBe('db');
  });

  it('fails with binary_secret when getSecret meets a binary secret, naming getSecretBinary', async () => {
    const { manager } = setup();
    const error = await caught(manager.getSecret('blob'));
    expect(error.code).toBe('binary_secret');
    expect(error.message).toContain('getSecretBinary()');
    expect((await caught(manager.getSecret('blob:key'))).code).toBe('binary_secret');
  });

  it('returns a copy of binary bytes, and not_binary for a string secret', async () => {
    const { manager, provider } = setup();
    const bytes = await manager.getSecretBinary('blob');
    expect([...bytes]).toEqual([0xca, 0xfe, 0x00]);
    bytes.fill(1);
    expect([...(await manager.getSecretBinary('blob'))]).toEqual([0xca, 0xfe, 0x00]);
    expect(provider.apiCalls()).toBe(1);
    const error = await caught(manager.getSecretBinary('plain'));
    expect(error.code).toBe('not_binary');
    expect(error.message).toContain('getSecret()');
    expect((await caught(manager.getSecretBinary('blob:key'))).code).toBe('invalid_reference');
  });

  it('lists the top-level JSON keys and never values', async () => {
    const { manager } = setup();
    const keys = await manager.listJsonKeys('db:ignored');
    expect(keys).toEqual(['user', 'password', 'nested', 'empty']);
    expectNoCanary(keys);
    expect(await manager.listJsonKeys('array')).toEqual([]);
    expect((await caught(manager.listJsonKeys('notJson'))).code).toBe('not_json');
    expect((await caught(manager.listJsonKeys('plain'))).code).toBe('not_json');
    expect((await caught(manager.listJsonKeys('blob'))).code).toBe('binary_secret');
  });

  it('rejects bad references with typed errors, not crashes', async () => {
    const { manager } = setup();
    await expect(manager.getSecret('{{resolve:secretsmanager:db')).rejects.toBeInstanceOf(
      SecretRefSyntaxError,
    );
    await expect(manager.getSecret({ secretId: '' })).rejects.toMatchObject({ code: 'invalid_reference' });
    await expect(manager.getSecret(null as unknown as string)).rejects.toMatchObject({
      code: 'invalid_reference',
    });
    await expect(manager.getSecret({ secretId: 'db', jsonKey: 5 } as never)).rejects.toMatchObject({
      code: 'invalid_reference',
    });
    expect(() => manager.invalidate({} as never)).toThrow(SecretRefError);
  });

  it('passes provider errors through unchanged, without values', async () => {
    const { manager } = setup();
    const error = await caught(manager.getSecret('absent:password'));
    expect(error).toMatchObject({ name: 'SecretFetchError', code: 'secret_not_found' });
  });
});

describe('createSecretManager delegation', () => {
  it('delegates testConnection and listSecrets, and reports stats', async () => {
    const { manager, provider } = setup();
    expect(await manager.testConnection()).toMatchObject({ ok: true });
    const listed: string[] = [];
    for await (const summary of manager.listSecrets({ prefix: 'n' })) listed.push(summary.name);
    expect(listed).toEqual(['notJson']);
    expect(manager.stats()).toEqual({
      hits: 0,
      misses: 0,
      apiCalls: provider.apiCalls(),
      staleServed: 0,
      refreshErrors: 0,
      negativeHits: 0,
      sharedRejected: 0,
      size: 0,
    });
    expect(manager.stats().apiCalls).toBe(2);
  });

  it('turns a throwing testConnection into a failed result', async () => {
    const { provider } = setup();
    vi.spyOn(provider, 'testConnection').mockRejectedValue(new Error(`boom ${CANARY}`));
    const result = await createSecretManager(provider).testConnection();
    expect(result).toMatchObject({ ok: false, code: 'provider_error' });
    expectNoCanary(result);
  });

  it('says clearly when the provider cannot test or list', async () => {
    const provider: SecretProvider = {
      kind: 'bare',
      identity: 'bare:1',
      fetch: async () => ({ secretString: 'x' }),
    };
    const manager = createSecretManager(provider);
    await expect(manager.testConnection()).rejects.toThrow(
      'The bare provider does not support testConnection()',
    );
    expect(() => manager.listSecrets()).toThrow('The bare provider does not support listSecrets()');
    expect(manager.stats().apiCalls).toBe(0);
  });

  it('rejects a bad provider or bad cache options at once, naming the option', () => {
    const provider = createMemoryProvider();
    expect(() => createSecretManager({} as SecretProvider)).toThrow(SecretRefConfigError);
    expect(() => createSecretManager({ ...provider, identity: '' })).toThrow(/`provider`/);
    expect(() => createSecretManager(provider, { cache: { ttlMs: -1 } })).toThrow(
      expect.objectContaining({ option: 'cache.ttlMs' }),
    );
    expect(() => createSecretManager(provider, { cache: { maxSize: 0 } })).toThrow(/`cache.maxSize`/);
    expect(() => createSecretManager(provider, { cache: 'yes' as never })).toThrow(/`cache`/);
    expect(() => createSecretManager(provider, { ttlMs: 5 } as never)).toThrow(/`ttlMs` is not an option/);
  });
});

describe('createSecretManager safety when logged', () => {
  it('shows only the provider kind and identity in inspect and JSON', async () => {
    const { manager } = setup();
    await manager.getSecret('db:password');
    const shown = inspect(manager, { depth: Number.POSITIVE_INFINITY, showHidden: true });
    expect(shown).toMatch(/^SecretManager \{ provider: "memory", identity: "memory:\d+" \}$/);
    expect(JSON.parse(JSON.stringify(manager))).toEqual({ provider: 'memory', identity: expect.any(String) });
    expectNoCanary(manager);
    expectNoCanary(manager.stats());
  });
});
