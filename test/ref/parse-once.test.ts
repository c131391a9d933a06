import * as lossless from 'lossless-json';
import { describe, expect, it, vi } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { CANARY } from '../support/canary.js';

vi.mock('lossless-json', async (importOriginal) => {
  const actual = await importOriginal<typeof import('lossless-json')>();
  return { ...actual, parse: vi.fn(actual.parse) };
});

describe('secret JSON is parsed once per fetched value', () => {
  it('however many keys are read, by getSecret, getSecrets and listJsonKeys; again after invalidate', async () => {
    // Prepare
    const text = JSON.stringify({ user: 'app', password: CANARY, port: 5432 });
    const manager = createSecretManager(createMemoryProvider({ db: text }));
    const nativeParse = vi.spyOn(JSON, 'parse');
    // Either parser may read it (JSON.parse when its numbers are exact as JavaScript numbers), never both.
    const parses = () =>
      [...vi.mocked(lossless.parse).mock.calls, ...nativeParse.mock.calls].filter(([input]) => input === text)
        .length;

    // Act
    await manager.getSecret('db:user');
    await manager.getSecret('db:password');
    await manager.getSecrets([
      { secretId: 'db', jsonKey: 'port' },
      { secretId: 'db', jsonKey: 'user' },
    ]);
    const keys = await manager.listJsonKeys('db');

    // Assess
    expect(keys).toStrictEqual(['user', 'password', 'port']);
    expect(parses()).toBe(1);
    manager.invalidate('db');
    expect(await manager.getSecret('db:port')).toBe('5432');
    expect(parses()).toBe(2);
    nativeParse.mockRestore();
  });
});
