import fc from 'fast-check';
import { isLosslessNumber, parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { type CachedPayload, NOT_JSON } from '../../src/cache/store-types.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { parsedJson, readSecretResult, readSecretValue } from '../../src/manager/read-value.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { listJsonKeys, readJsonKey } from '../../src/ref/json-key.js';
import { parseSecretJson } from '../../src/ref/json-text.js';

function payload(secretString: string): CachedPayload {
  return { payload: { secretString } } as CachedPayload;
}

/** A JSON number literal as a person or a program might write it: any sign, digits, fraction and exponent. */
const numberLiteral = fc
  .record({
    minus: fc.boolean(),
    int: fc.oneof(
      fc.constant('0'),
      fc
        .tuple(
          fc.integer({ min: 1, max: 9 }),
          fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 40 }),
        )
        .map(([first, rest]) => `${first}${rest}`),
    ),
    frac: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 }), {
      nil: undefined,
    }),
    exp: fc.option(
      fc.record({
        e: fc.constantFrom('e', 'E'),
        sign: fc.constantFrom('', '+', '-'),
        digits: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 4 }),
      }),
      { nil: undefined },
    ),
  })
  .map(
    ({ minus, int, frac, exp }) =>
      `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `${exp.e}${exp.sign}${exp.digits}`}`,
  );

describe('JSON numbers keep the exact digits the secret holds', () => {
  const SECRET =
    '{"pin": 9007199254740993, "rate": 1.10, "hundred": 1e2, "neg": -0, "big": 123456789012345678901234567890, "small": 1E-400, "nested": {"n": 1.10, "list": [9007199254740993, 2.50]}}';

  it('a number read by key is returned as its source text', async () => {
    // Prepare
    const manager = createSecretManager(createMemoryProvider({ db: SECRET }));
    const read = (jsonKey: string) => manager.getSecret({ secretId: 'db', jsonKey });

    // Act / Assess
    expect(await read('pin')).toBe('9007199254740993');
    expect(await read('rate')).toBe('1.10');
    expect(await read('hundred')).toBe('1e2');
    expect(await read('neg')).toBe('-0');
    expect(await read('big')).toBe('123456789012345678901234567890');
    expect(await read('small')).toBe('1E-400');
    expect(await read('nested.n')).toBe('1.10');
    expect(await read('nested.list[0]')).toBe('9007199254740993');
  });

  it('a nested value is JSON-encoded with its numbers exact', async () => {
    const manager = createSecretManager(createMemoryProvider({ db: SECRET }));

    expect(await manager.getSecret({ secretId: 'db', jsonKey: 'nested' })).toBe(
      '{"n":1.10,"list":[9007199254740993,2.50]}',
    );
    expect(await manager.getSecret({ secretId: 'db', jsonKey: 'nested.list' })).toBe(
      '[9007199254740993,2.50]',
    );
  });

  it('getSecrets gives the exact text as value, and json only where a JavaScript number is exact', async () => {
    const manager = createSecretManager(createMemoryProvider({ db: SECRET }));

    const results = await manager.getSecrets(
      ['pin', 'rate', 'hundred', 'nested', 'nested.list', 'small'].map((jsonKey) => ({
        secretId: 'db',
        jsonKey,
      })),
    );

    expect(results).toStrictEqual([
      { ok: true, value: '9007199254740993' },
      { ok: true, value: '1.10', json: 1.1 },
      { ok: true, value: '1e2', json: 100 },
      { ok: true, value: '{"n":1.10,"list":[9007199254740993,2.50]}' },
      { ok: true, value: '[9007199254740993,2.50]' },
      { ok: true, value: '1E-400' },
    ]);
  });

  it('property: for generated JSON with arbitrary number literals, each key reads as exactly its literal', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), numberLiteral), {
          minLength: 1,
          maxLength: 8,
          selector: ([key]) => key,
        }),
        fc.constantFrom('', ' ', '\n\t'),
        (entries, space) => {
          const members = entries.map(([key, literal]) => `${JSON.stringify(key)}:${space}${literal}`);
          const text = `{${space}${members.join(`,${space}`)}${space}}`;
          const nested = `{"outer":{"inner":[${entries.map(([, literal]) => literal).join(',')}]}}`;
          const cached = payload(text);
          for (const [key, literal] of entries) {
            const ref = { secretId: 's', jsonKey: key };
            expect(readSecretValue(cached, ref)).toBe(literal);
            expect(readSecretResult(cached, ref).value).toBe(literal);
          }
          expect(readSecretValue(payload(nested), { secretId: 's', jsonKey: 'outer' })).toBe(
            `{"inner":[${entries.map(([, literal]) => literal).join(',')}]}`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: where JSON.parse is exact (canonical numbers), every key reads as it did before', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()), (object) => {
        const text = JSON.stringify(object);
        const cached = payload(text);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(listJsonKeys(parsedJsonValue(cached, text))).toStrictEqual(listJsonKeys(parsed));
        for (const key of Object.keys(parsed)) {
          if (key === '' || parsed[key] === null) continue;
          const before = readJsonKey(parsed, key);
          expect(before.found).toBe(true);
          expect(readSecretValue(cached, { secretId: 's', jsonKey: key })).toBe(
            (before as { value: string }).value,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A value read by parseSecretJson with each exact number turned into a JavaScript number, as JSON.parse gives it. */
function rounded(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.toString());
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, {
      value: rounded(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function parsedJsonValue(cached: CachedPayload, text: string): unknown {
  const parsed = parsedJson(cached, text);
  if (parsed === NOT_JSON) throw new Error('expected JSON');
  return parsed;
}

describe('exact JSON: parsing', () => {
  it('parses a payload once, however many keys are read', () => {
    const cached = payload('{"a": 1.10, "b": "x", "c": [1]}');

    readSecretValue(cached, { secretId: 's', jsonKey: 'a' });
    const first = cached.json;
    readSecretValue(cached, { secretId: 's', jsonKey: 'b' });
    readSecretResult(cached, { secretId: 's', jsonKey: 'c' });

    expect(first).toMatchObject({ b: 'x' });
    expect(cached.json).toBe(first);
  });

  it('accepts exactly what JSON.parse accepts', () => {
    const texts = [
      '{"a":1}',
      '[1,2]',
      '"s"',
      '1.5',
      ' {"a" : [ true , false , null ] } ',
      '{"a":1,"a":2}',
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":1,}',
      "{'a':1}",
      '{"a":"\u0001"}',
      '{"a":"\\x"}',
      '\u00a0{"a":1}',
      '',
      '{"a":1}x',
    ];
    for (const text of texts) {
      let native = true;
      try {
        JSON.parse(text);
      } catch {
        native = false;
      }
      expect({ text, ok: parseSecretJson(text).ok }).toStrictEqual({ text, ok: native });
    }
  });

  it('property: accepts and refuses what JSON.parse does, and reads the same structure', () => {
    const fragment = fc.constantFrom(
      ...['{', '}', '[', ']', '"a"', '"b"', '"\\u00e9"', '"\\ud83d\\ude00"', ':', ',', ' ', '\n', '\u00a0'],
      ...[
        '1',
        '-',
        '0',
        '.',
        'e',
        'E',
        '+',
        '01',
        '1e400',
        '9007199254740993',
        'true',
        'false',
        'null',
        'nul',
      ],
      ...['"', '\\', '\u0001', '"__proto__"'],
    );
    const text = fc.oneof(
      fc.array(fragment, { maxLength: 16 }).map((parts) => parts.join('')),
      fc.jsonValue().map((value) => JSON.stringify(value, null, 1)),
    );
    fc.assert(
      fc.property(text, (input) => {
        let native: { ok: true; value: unknown } | { ok: false };
        try {
          native = { ok: true, value: JSON.parse(input) };
        } catch {
          native = { ok: false };
        }
        const exact = parseSecretJson(input);
        expect(exact.ok).toBe(native.ok);
        if (exact.ok && native.ok) expect(rounded(exact.value)).toStrictEqual(native.value);
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps the last of repeated keys, in the first one’s place, as JSON.parse does', () => {
    const text = '{"a": 1, "b": 2, "a": 3.0}';
    const cached = payload(text);

    expect(readSecretValue(cached, { secretId: 's', jsonKey: 'a' })).toBe('3.0');
    expect(listJsonKeys(parsedJsonValue(cached, text))).toStrictEqual(['a', 'b']);
  });

  it('keeps "__proto__" as an own key and never touches Object.prototype', () => {
    const text = '{"__proto__": {"polluted": 1.50}, "k": "v"}';
    const cached = payload(text);

    expect(readSecretValue(cached, { secretId: 's', jsonKey: '__proto__' })).toBe('{"polluted":1.50}');
    expect(readSecretResult(cached, { secretId: 's', jsonKey: '__proto__' })).toStrictEqual({
      ok: true,
      value: '{"polluted":1.50}',
      json: JSON.parse('{"polluted": 1.5}'),
    });
    expect(listJsonKeys(parsedJsonValue(cached, text))).toStrictEqual(['__proto__', 'k']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads an object that looks like a lossless number as an object (the marker cannot come from JSON)', () => {
    const cached = payload('{"n": {"isLosslessNumber": true, "value": "12"}}');

    expect(readSecretValue(cached, { secretId: 's', jsonKey: 'n' })).toBe(
      '{"isLosslessNumber":true,"value":"12"}',
    );
  });

  it('a key path into a number finds nothing, whether the number is kept exact or not', async () => {
    // Prepare: `1.10` is kept as its text, `1.5` as a JavaScript number; neither has keys.
    const manager = createSecretManager(
      createMemoryProvider({ db: '{"rate": 1.10, "ratio": 1.5}', exact: '1.10', plain: '1.5' }),
    );
    const read = (secretId: string, jsonKey: string) =>
      manager.getSecret({ secretId, jsonKey }).then(
        (value) => ({ value }),
        (error: { code?: string }) => error.code,
      );

    // Act / Assess
    for (const key of ['rate.value', 'rate.isLosslessNumber', 'ratio.value']) {
      expect(await read('db', key)).toBe('json_key_not_found');
    }
    expect(await read('exact', 'value')).toBe('json_key_not_found');
    expect(await read('plain', 'value')).toBe('json_key_not_found');
    expect(await manager.listJsonKeys('exact')).toStrictEqual([]);
    expect(await manager.listJsonKeys('plain')).toStrictEqual([]);
    const parsed = losslessParse('{"n": 1.10}');
    expect(readJsonKey(parsed, 'n.value')).toStrictEqual({ found: false });
    expect(listJsonKeys(losslessParse('1.10'))).toStrictEqual([]);
  });

  it('readJsonKey keeps its contract for JSON.parse output and reads lossless-json output exactly', () => {
    const text = '{"pin": 9007199254740993, "o": {"r": 1.10}}';

    expect(readJsonKey(JSON.parse(text), 'pin')).toStrictEqual({ found: true, value: '9007199254740992' });
    expect(readJsonKey(losslessParse(text), 'pin')).toStrictEqual({ found: true, value: '9007199254740993' });
    expect(readJsonKey(losslessParse(text), 'o')).toStrictEqual({ found: true, value: '{"r":1.10}' });
    expect(readJsonKey({ nested: { big: 10n } }, 'nested')).toStrictEqual({ found: false });
  });

  it('property: a number after strings holding quotes, backslashes, digits or minus signs keeps its exact text', () => {
    const text = fc.string({ unit: fc.constantFrom('"', '\\', '-', '1', 'a', ':', ',', '{', ' ', '\u00e9') });
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.string({ maxLength: 6 }),
            fc.oneof(
              text,
              numberLiteral.map((n) => ({ n })),
            ),
          ),
          {
            minLength: 1,
            maxLength: 6,
            selector: ([key]) => key,
          },
        ),
        (entries) => {
          const members = entries.map(
            ([key, value]) =>
              `${JSON.stringify(key)}:${typeof value === 'string' ? JSON.stringify(value) : value.n}`,
          );
          const cached = payload(`{${members.join(',')}}`);
          for (const [key, value] of entries) {
            if (key === '' || (typeof value === 'string' && value === '')) continue;
            const expected = typeof value === 'string' ? value : value.n;
            expect(readSecretValue(cached, { secretId: 's', jsonKey: key })).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a secret nested too deeply to read is not_json, a typed error', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const manager = createSecretManager(createMemoryProvider({ deep }));

    await expect(manager.getSecret({ secretId: 'deep', jsonKey: '0' })).rejects.toMatchObject({
      code: 'not_json',
    });
  });
});
