import { describe, expect, it } from 'vitest';
import type { CachedPayload } from '../../src/cache/store.js';
import { SecretFetchError, type SecretRefError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { readSecretResult, readSecretValue } from '../../src/manager/read-value.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const SECRET = JSON.stringify({
  user: 'app',
  password: CANARY,
  port: 5432,
  ssl: true,
  off: false,
  nothing: null,
  db: { hosts: ['h1', 'h2'], pool: { max: 10 } },
  list: [1, 'two', { three: 3 }],
});

function manager() {
  return createSecretManager(createMemoryProvider({ db: SECRET, plain: `plain-${CANARY}` }));
}

describe('getSecrets results carry the JSON value of a non-string key (SecretResult json)', () => {
  it('gives json for a number, boolean, object or array, and value as its text', async () => {
    // Prepare
    const keys = ['port', 'ssl', 'off', 'db', 'db.hosts', 'list', 'db.pool.max'];

    // Act
    const results = await manager().getSecrets(keys.map((jsonKey) => ({ secretId: 'db', jsonKey })));

    // Assess
    expect(results).toStrictEqual([
      { ok: true, value: '5432', json: 5432 },
      { ok: true, value: 'true', json: true },
      { ok: true, value: 'false', json: false },
      {
        ok: true,
        value: '{"hosts":["h1","h2"],"pool":{"max":10}}',
        json: { hosts: ['h1', 'h2'], pool: { max: 10 } },
      },
      { ok: true, value: '["h1","h2"]', json: ['h1', 'h2'] },
      { ok: true, value: '[1,"two",{"three":3}]', json: [1, 'two', { three: 3 }] },
      { ok: true, value: '10', json: 10 },
    ]);
  });

  it('has no json for a string key or a whole secret', async () => {
    const results = await manager().getSecrets([
      { secretId: 'db', jsonKey: 'user' },
      { secretId: 'db', jsonKey: 'db.hosts[0]' },
      'plain',
      'db',
    ]);

    expect(results).toStrictEqual([
      { ok: true, value: 'app' },
      { ok: true, value: 'h1' },
      { ok: true, value: `plain-${CANARY}` },
      { ok: true, value: SECRET },
    ]);
    for (const result of results) expect(Object.hasOwn(result, 'json')).toBe(false);
  });

  it('gives each caller its own json: changing it does not change what later reads see', async () => {
    const secrets = manager();
    const [first] = await secrets.getSecrets([{ secretId: 'db', jsonKey: 'db' }]);
    const json = (first as { json: { hosts: string[] } }).json;
    json.hosts.push('injected');

    const [second] = await secrets.getSecrets([{ secretId: 'db', jsonKey: 'db' }]);

    expect(second).toStrictEqual({
      ok: true,
      value: '{"hosts":["h1","h2"],"pool":{"max":10}}',
      json: { hosts: ['h1', 'h2'], pool: { max: 10 } },
    });
    expect(await secrets.getSecret({ secretId: 'db', jsonKey: 'db.hosts' })).toBe('["h1","h2"]');
  });

  it('readSecretResult and readSecretValue agree on value', () => {
    const cached = { payload: { secretString: SECRET } } as CachedPayload;
    for (const jsonKey of ['user', 'port', 'ssl', 'db', 'list', 'list[2].three']) {
      const ref = { secretId: 'db', jsonKey };
      expect(readSecretResult(cached, ref).value).toBe(readSecretValue(cached, ref));
    }
  });
});

describe('a JSON key holding null', () => {
  it('is json_key_not_found whose message says the key holds null, not that it is missing', async () => {
    const secrets = manager();

    const error = await secrets.getSecret({ secretId: 'db', jsonKey: 'nothing' }).catch((e: unknown) => e);
    const missing = await secrets.getSecret({ secretId: 'db', jsonKey: 'absent' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretFetchError);
    expect(error).toMatchObject({ code: 'json_key_not_found' });
    expect((error as Error).message).toBe('JSON key "nothing" in secret "db" holds null, not a value');
    expect((missing as Error).message).toBe('JSON key "absent" was not found in secret "db"');
    expectNoCanary(error);
    expectNoCanary(missing);
  });

  it('is reported the same way by getSecrets and for a nested path', async () => {
    const provider = createMemoryProvider({ n: JSON.stringify({ a: { b: null }, password: CANARY }) });

    const [result] = await createSecretManager(provider).getSecrets([{ secretId: 'n', jsonKey: 'a.b' }]);

    expect(result?.ok).toBe(false);
    const error = (result as { ok: false; error: SecretRefError }).error;
    expect(error.code).toBe('json_key_not_found');
    expect(error.message).toBe('JSON key "a.b" in secret "n" holds null, not a value');
    expectNoCanary(error);
  });
});
