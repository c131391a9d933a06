import { describe, expect, it } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager, SecretResult } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import type { SecretRef } from '../../src/types.js';
import { createFakeManager } from './fake-manager.js';

/** A manager answering JSON keys of one secret, reporting the JSON value beside its text (as `json`). */
function jsonManager(secret: Record<string, unknown>): SecretManager {
  const base = createFakeManager({});
  return {
    ...base,
    async getSecrets(refs: readonly (SecretRef | string)[]): Promise<SecretResult[]> {
      return (refs as SecretRef[]).map((ref) => {
        const value = secret[ref.jsonKey ?? ''];
        if (typeof value === 'string') return { ok: true, value };
        return { ok: true, value: JSON.stringify(value), json: value } as SecretResult;
      });
    },
  };
}

const ref = (key: string) => `{{resolve:secretsmanager:db:SecretString:${key}}}`;
const secret = { port: 5432, tls: false, hosts: ['a', 'b'], pool: { max: 10 }, user: 'app' };
const connection = {
  port: ref('port'),
  tls: ref('tls'),
  hosts: ref('hosts'),
  pool: ref('pool'),
  user: ref('user'),
  url: `db://${ref('user')}@h:${ref('port')}`,
};

describe('keepJsonTypes', () => {
  it('gives a whole-field reference its JSON value; embedded ones and strings stay text', async () => {
    const resolved = await resolveConnection(connection, jsonManager(secret), { keepJsonTypes: true });
    expect(resolved).toEqual({
      port: 5432,
      tls: false,
      hosts: ['a', 'b'],
      pool: { max: 10 },
      user: 'app',
      url: 'db://app@h:5432',
    });
  });

  it('gives JSON text without it, as before', async () => {
    const resolved = await resolveConnection(connection, jsonManager(secret));
    expect(resolved).toMatchObject({ port: '5432', tls: 'false', hosts: '["a","b"]', pool: '{"max":10}' });
  });

  it('gives each resolve its own copy of an object or array', async () => {
    const manager = jsonManager(secret);
    const first = await resolveConnection({ pool: ref('pool') }, manager, { keepJsonTypes: true });
    (first.pool as unknown as { max: number }).max = 99;
    const second = await resolveConnection({ pool: ref('pool') }, manager, { keepJsonTypes: true });
    expect(second.pool).toEqual({ max: 10 });
    expect(secret.pool).toEqual({ max: 10 });
  });

  it('is not passed to encode, and the settled masker hides the JSON text', async () => {
    const encoded: string[] = [];
    const { value, masker, resolved } = await resolveConnectionSettled(
      { port: ref('port') },
      jsonManager(secret),
      {
        keepJsonTypes: true,
        encode: (text) => {
          encoded.push(text);
          return text;
        },
      },
    );
    expect(value).toEqual({ port: 5432 });
    expect(encoded).toEqual([]);
    expect(resolved).toEqual([{ path: ['port'], ref: ref('port') }]);
    expect(masker.mask('port=5432')).toBe('port=****');
  });

  it('refuses a keepJsonTypes that is not a boolean', async () => {
    const error = await resolveConnection({}, jsonManager(secret), { keepJsonTypes: 'yes' as never }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretRefConfigError);
    expect((error as SecretRefConfigError).option).toBe('keepJsonTypes');
  });
});

describe('keepJsonTypes with a manager this library did not make', () => {
  /** A manager whose every result has the text `text` and, beside it, whatever `json` it is given. */
  const answering = (json: unknown): SecretManager => ({
    ...createFakeManager({}),
    getSecrets: async (refs) => refs.map(() => ({ ok: true, value: 'text', json }) as SecretResult),
  });

  it.each<[string, unknown]>([
    ['a function', function hunter2() {}],
    ['a symbol', Symbol('hunter2')],
    ['a proxy', new Proxy({ a: 1 }, {})],
    [
      'an object whose getter throws',
      {
        get a(): never {
          throw new Error('hunter2');
        },
      },
    ],
    ['an object holding a function', { f: () => 'hunter2' }],
  ])('gives the text when its JSON value is %s, never that value or a raw error', async (_, json) => {
    const input = { whole: ref('k'), embedded: `x${ref('k')}` };
    const resolved = await resolveConnection(input, answering(json), { keepJsonTypes: true });
    expect(resolved).toStrictEqual({ whole: 'text', embedded: 'xtext' });
  });
});

describe('keepJsonTypes with a manager of this library', () => {
  it('gives numbers, booleans, objects and arrays as JSON values, through the cache too', async () => {
    // Prepare
    const provider = createMemoryProvider({
      db: '{"port": 5432, "tls": true, "hosts": ["a", "b"], "pool": {"max": 10}, "user": "app", "pin": 9007199254740993}',
    });
    const manager = createSecretManager(provider);
    const input = { ...connection, pin: ref('pin') };
    // Act
    const cold = await resolveConnection(input, manager, { keepJsonTypes: true });
    const warm = await resolveConnection(input, manager, { keepJsonTypes: true });
    // Assess
    const expected = {
      port: 5432,
      tls: true,
      hosts: ['a', 'b'],
      pool: { max: 10 },
      user: 'app',
      url: 'db://app@h:5432',
      pin: '9007199254740993',
    };
    expect(cold).toEqual(expected);
    expect(warm).toEqual(expected);
    expect(warm.hosts).not.toBe(cold.hosts);
    expect(provider.apiCalls()).toBe(1);
  });
});
