import { describe, expect, it } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import { listJsonKeys, readJsonKey } from '../../src/ref/json-key.js';
import { parseJsonKeyPath } from '../../src/ref/json-key-path.js';

const CANARY = 'CANARY-7f3a9c-do-not-leak';

describe('parseJsonKeyPath', () => {
  it.each<[string, (string | number)[]]>([
    ['password', ['password']],
    ['db.hosts[0]', ['db', 'hosts', 0]],
    ['db["a.b"].port', ['db', 'a.b', 'port']],
    ['["x[1]"].y', ['x[1]', 'y']],
    ['a[10][2]', ['a', 10, 2]],
    ['["quote \\" and \\u00e9"]', ['quote " and é']],
    ['[0]', [0]],
    ['with space.and-dash', ['with space', 'and-dash']],
  ])('%j', (path, segments) => {
    expect(parseJsonKeyPath(path)).toStrictEqual(segments);
  });

  it.each([
    '',
    'a..b',
    'a.',
    '.a',
    'a[',
    'a[]',
    'a[01]',
    "a['b']",
    'a]b',
    'a["b"',
    'a["b\\"]',
    'a[b]',
    'a[1]b',
    'a[-1]',
    'a[99999999999999999]',
  ])('is not a path: %j', (path) => {
    expect(parseJsonKeyPath(path)).toBeUndefined();
  });
});

describe('readJsonKey', () => {
  const secret = JSON.parse(
    JSON.stringify({
      username: 'app',
      password: CANARY,
      port: 5432,
      ssl: true,
      nothing: null,
      'a.b': 'top-level wins',
      a: { b: 'nested loses' },
      db: { hosts: ['h1', 'h2'], 'x.y': { z: 'deep' }, opts: { tls: { ca: 'pem' } } },
      list: [{ name: 'first' }],
    }),
  );

  it.each<[string, string | undefined]>([
    ['username', 'app'],
    ['port', '5432'],
    ['ssl', 'true'],
    ['a.b', 'top-level wins'],
    ['a', '{"b":"nested loses"}'],
    ['db.hosts[1]', 'h2'],
    ['db.hosts', '["h1","h2"]'],
    ['db["x.y"].z', 'deep'],
    ['db.opts.tls.ca', 'pem'],
    ['list[0].name', 'first'],
    ['list.0.name', 'first'],
    ['nothing', undefined],
    ['missing', undefined],
    ['db.hosts[2]', undefined],
    ['db.hosts.length', undefined],
    ['username.length', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
    ['db.constructor.name', undefined],
    ['a..b', undefined],
  ])('%j', (key, value) => {
    expect(readJsonKey(secret, key)).toStrictEqual(
      value === undefined ? { found: false } : { found: true, value },
    );
  });

  it('reads an own "__proto__" key from JSON.parse output without touching Object.prototype', () => {
    const json = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}');
    expect(readJsonKey(json, '__proto__')).toStrictEqual({ found: true, value: '{"polluted":"yes"}' });
    expect(readJsonKey(json, '__proto__.polluted')).toStrictEqual({ found: true, value: 'yes' });
    expect(readJsonKey(json, 'constructor')).toStrictEqual({ found: true, value: 'c' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('finds nothing in values that are not objects or arrays', () => {
    for (const json of [null, undefined, 'text', 42, true]) {
      expect(readJsonKey(json, 'length')).toStrictEqual({ found: false });
    }
    expect(readJsonKey(['a', 'b'], '1')).toStrictEqual({ found: true, value: 'b' });
    expect(readJsonKey(['a', 'b'], 'length')).toStrictEqual({ found: false });
  });

  it('treats values JSON cannot encode as not found instead of throwing', () => {
    expect(readJsonKey({ big: 10n }, 'big')).toStrictEqual({ found: false });
    expect(readJsonKey({ fn: () => CANARY }, 'fn')).toStrictEqual({ found: false });
  });
});

describe('listJsonKeys', () => {
  it('lists top-level key names only, never values', () => {
    const keys = listJsonKeys(JSON.parse(`{"username":"app","password":"${CANARY}","nested":{"inner":1}}`));
    expect(keys).toStrictEqual(['username', 'password', 'nested']);
    expect(JSON.stringify(keys)).not.toContain(CANARY);
  });

  it('returns [] for anything that is not a JSON object', () => {
    for (const json of [null, undefined, 'text', 42, ['a'], true])
      expect(listJsonKeys(json)).toStrictEqual([]);
  });
});

describe('readJsonKey: argument types', () => {
  it.each([undefined, null, 5, ['a'], { a: 1 }])(
    'throws a SecretRefConfigError naming `jsonKey` for a key of %j',
    (key) => {
      const read = () => readJsonKey({ a: 'CANARY-7f3a9c-do-not-leak' }, key as unknown as string);
      expect(read).toThrow(SecretRefConfigError);
      expect(read).toThrow(expect.objectContaining({ code: 'invalid_config', option: 'jsonKey' }));
      expect(read).toThrow(expect.not.objectContaining({ message: expect.stringContaining('CANARY') }));
    },
  );
});
