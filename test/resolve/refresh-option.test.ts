import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

const connection = { password: '{{resolve:secretsmanager:db:SecretString:password}}', host: 'db' };

describe('resolveConnection refresh: true', () => {
  it('reads past the cache and stores the new value for the next resolve', async () => {
    const provider = createMemoryProvider({ db: '{"password":"old"}' });
    const manager = createSecretManager(provider);
    expect(await resolveConnection(connection, manager)).toEqual({ password: 'old', host: 'db' });
    provider.setSecret('db', '{"password":"new"}');
    expect(await resolveConnection(connection, manager)).toEqual({ password: 'old', host: 'db' });
    expect(await resolveConnection(connection, manager, { refresh: true })).toEqual({
      password: 'new',
      host: 'db',
    });
    expect(await resolveConnection(connection, manager)).toEqual({ password: 'new', host: 'db' });
    expect(provider.apiCalls()).toBe(2);
  });

  it('works on a compiled connection, and is validated', async () => {
    const provider = createMemoryProvider({ db: '{"password":"old"}' });
    const manager = createSecretManager(provider);
    const compiled = compileConnection(connection);
    await compiled.resolve(manager);
    provider.setSecret('db', '{"password":"new"}');
    expect(await compiled.resolve(manager, { refresh: true })).toEqual({ password: 'new', host: 'db' });
    await expect(resolveConnection(connection, manager, { refresh: 1 as never })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'refresh',
    });
  });
});
