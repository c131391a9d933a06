import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRefConfigError, SecretRefError, SecretResolutionError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { findSecretRefs } from '../../src/resolve/find.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

const values = {
  'db/password': 'p@ss:w0rd/!',
  'db/user': 'app',
  'api/key': CANARY,
  plain: 'whole-secret',
};
/** The fake manager, reporting `json` for JSON-looking values as this library's managers do. */
const manager = (): SecretManager => {
  const fake = createFakeManager({ ...values, 'db/port': '5432', 'db/hosts': '["a","b"]' });
  return {
    ...fake,
    getSecrets: async (refs, options) =>
      (await fake.getSecrets(refs, options)).map((result) =>
        result.ok && /^[[\d]/.test(result.value) ? { ...result, json: JSON.parse(result.value) } : result,
      ),
  };
};

const REFS = [
  '{{resolve:secretsmanager:db:SecretString:password}}',
  '{{resolve:secretsmanager:db:SecretString:user}}',
  '{{resolve:secretsmanager:db:SecretString:port}}',
  '{{conn1|ap_sep_v1|db:hosts}}',
  '{{conn1|ap_sep_v1|api:key}}',
  '{{conn2|ap_sep_v1|plain}}',
  '{{resolve:secretsmanager:missing}}',
  '{{resolve:secretsmanager:db:SecretString:nope}}',
  '{{resolve:ssm:param}}',
  '{{resolve:secretsmanager:}}',
  '{{step_1.output}}',
];

const text = fc.string({ maxLength: 6 }).filter((s) => !s.includes('{'));
const stringWithRefs = fc.oneof(
  fc.constantFrom(...REFS),
  fc
    .tuple(text, fc.constantFrom(...REFS), text, fc.option(fc.constantFrom(...REFS)), text)
    .map((parts) => parts.map((part) => part ?? '').join('')),
  text,
);
// No own `constructor` key: toStrictEqual compares `constructor`s, which are then two equal but distinct copies.
const key = fc.oneof(
  fc.string({ maxLength: 5 }).filter((name) => name !== 'constructor'),
  fc.constantFrom('__proto__', 'toString', 'hasOwnProperty'),
);
const connection = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    stringWithRefs,
    fc.integer(),
    fc.constant(null),
    fc.constant(new Date(0)),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(key, tie('node'), { maxKeys: 20 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4, noNullPrototype: false }),
  ),
})).node;
const options = fc.record(
  { encode: fc.constantFrom(undefined, 'uri' as const), keepJsonTypes: fc.boolean() },
  { requiredKeys: [] },
);

describe('compileConnection', () => {
  it('resolves to what resolveConnection gives, values, issues and errors, for generated connections', async () => {
    await fc.assert(
      fc.asyncProperty(connection, options, async (input, opts) => {
        const compiled = compileConnection(input, opts);
        const expected = await resolveConnectionSettled(input, manager(), opts);
        const actual = await compiled.resolveSettled(manager());
        expect(actual.value).toStrictEqual(expected.value);
        expect(actual.issues).toStrictEqual(expected.issues);
        expect(actual.resolved).toStrictEqual(expected.resolved);
        const thrown = await resolveConnection(input, manager(), opts).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        const compiledThrown = await compiled.resolve(manager()).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        expect(compiledThrown).toStrictEqual(thrown);
        if ('error' in thrown) {
          expect((compiledThrown as { error: Error }).error.message).toBe((thrown.error as Error).message);
        }
        expect(compiled.refs).toEqual(findSecretRefs(input));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a snapshot: later changes to the input are not seen, and results are fresh copies', async () => {
    const input = {
      dsn: 'x://{{resolve:secretsmanager:db:SecretString:user}}@h',
      list: ['a'],
      when: new Date(0),
    };
    const compiled = compileConnection(input);
    input.dsn = 'changed';
    input.list.push('b');
    const first = await compiled.resolve(manager());
    expect(first).toEqual({ dsn: 'x://app@h', list: ['a'], when: new Date(0) });
    expect(first.when).toBe(input.when);
    first.list.push('mutated');
    const second = await compiled.resolve(manager());
    expect(second.list).toEqual(['a']);
    expect(second.list).not.toBe(first.list);
  });

  it('lists its references once, frozen, with paths and errors', () => {
    const compiled = compileConnection({
      a: ['{{conn1|ap_sep_v1|api:key}}', 'x {{resolve:secretsmanager:}}'],
    });
    expect(
      compiled.refs.map(({ path, text, whole, error }) => ({ path, text, whole, bad: error !== undefined })),
    ).toEqual([
      { path: ['a', 0], text: '{{conn1|ap_sep_v1|api:key}}', whole: true, bad: false },
      { path: ['a', 1], text: '{{resolve:secretsmanager:}}', whole: false, bad: true },
    ]);
    expect(Object.isFrozen(compiled.refs)).toBe(true);
    expect(Object.isFrozen(compiled.refs[0])).toBe(true);
  });

  it('gives the same manager calls and cache stats as resolveConnection', async () => {
    // Prepare
    const secrets = { db: JSON.stringify({ user: 'app', password: 'pw' }), api: 'k' };
    const general = createSecretManager(createMemoryProvider(secrets));
    const planned = createSecretManager(createMemoryProvider(secrets));
    const input = {
      user: '{{resolve:secretsmanager:db:SecretString:user}}',
      again: '{{resolve:secretsmanager:db:SecretString:user}}',
      url: 'u://{{resolve:secretsmanager:db:SecretString:password}}@{{resolve:secretsmanager:api}}',
      other: '{{conn9|ap_sep_v1|db:user}}',
    };
    const compiled = compileConnection(input);
    // Act
    for (let i = 0; i < 3; i++) {
      expect(await compiled.resolve(planned)).toEqual(await resolveConnection(input, general));
    }
    // Assess
    expect(planned.stats()).toEqual(general.stats());
    const before = general.stats().hits;
    await resolveConnection(input, general);
    expect(general.stats().hits - before).toBe(2); // one hit per secret read (db, api), however many references
  });

  it('copies an object the snapshot holds in two places once, as resolveConnection does', async () => {
    const shared = { user: '{{resolve:secretsmanager:db:SecretString:user}}' };
    const input = { a: shared, b: [shared] };
    const compiled = compileConnection(input);
    const value = await compiled.resolve(manager());
    expect(value).toEqual({ a: { user: 'app' }, b: [{ user: 'app' }] });
    expect(value.b[0]).toBe(value.a);
    expect(value).toStrictEqual(await resolveConnection(input, manager()));
  });

  it('takes resolve options over its compile options, and managers as a function', async () => {
    const compiled = compileConnection(
      { dsn: 'x://{{resolve:secretsmanager:db:SecretString:password}}@h' },
      {
        encode: 'uri',
      },
    );
    const lookup = (id: string | undefined) =>
      id === 'prod' ? manager() : Promise.reject(new Error(CANARY));
    expect(await compiled.resolve(lookup, { defaultManager: 'prod' })).toEqual({
      dsn: 'x://p%40ss%3Aw0rd%2F!@h',
    });
    expect(await compiled.resolve(manager(), { encode: (value) => value.length.toString() })).toEqual({
      dsn: 'x://11@h',
    });
    const error = await compiled.resolve(lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expectNoCanary(error);
  });

  it('refuses, at compile time, what resolveConnection refuses', () => {
    const cyclic: Record<string, unknown> = { a: '{{resolve:secretsmanager:db}}' };
    cyclic.self = cyclic;
    expect(() => compileConnection(cyclic)).toThrow(SecretRefError);
    expect(() => compileConnection({ a: [[['x']]] }, { maxDepth: 2 })).toThrow(/nests deeper than 2 levels/);
    expect(() => compileConnection({}, { encode: 'url' as 'uri' })).toThrow(SecretRefConfigError);
    expect(() => compileConnection({}, null as never)).toThrow(SecretRefConfigError);
  });

  it('rejects with AbortError when aborted', async () => {
    const compiled = compileConnection({ a: '{{resolve:secretsmanager:plain}}' });
    const error = await compiled.resolve(manager(), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });

  it('resolves a root string, and a root that holds no container', async () => {
    expect(await compileConnection('{{resolve:secretsmanager:plain}}').resolve(manager())).toBe(
      'whole-secret',
    );
    expect(await compileConnection(42).resolve(manager())).toBe(42);
  });

  it('passes a symbol-keyed object through by reference as resolveConnection does, never reading into it', async () => {
    const tag = Symbol('tag');
    const inner = { n: 1 };
    const input = { user: '{{resolve:secretsmanager:db:SecretString:user}}', [tag]: inner };
    const compiled = compileConnection(input);
    const value = await compiled.resolve(manager());
    const expected = await resolveConnection(input, manager());
    // resolveConnection copies a symbol-keyed value as it is (a leaf): so does a compiled connection.
    expect(expected[tag]).toBe(inner);
    expect(value[tag]).toBe(inner);
    // A throwing getter under a symbol key is never read, at compile time or by a resolve.
    const hostile = {
      [tag]: {
        get secret(): string {
          throw new Error('read');
        },
      },
    };
    await expect(resolveConnection(hostile, manager())).resolves.toBeDefined();
    expect(() => compileConnection(hostile)).not.toThrow();
  });

  it('freezes every well-formed reference it lists, even beside a malformed one, so none can change a resolve', async () => {
    const compiled = compileConnection({
      dsn: '{{resolve:secretsmanager:bad id}}@{{resolve:secretsmanager:db:SecretString:user}}',
    });
    const good = compiled.refs[1]!;
    expect(good.ref).toStrictEqual({ secretId: 'db', jsonKey: 'user' });
    expect(Object.isFrozen(good.ref)).toBe(true);
    try {
      (good.ref as { jsonKey?: string }).jsonKey = 'password';
    } catch {
      // A frozen reference refuses the change (strict mode): that is the point.
    }
    const { value } = await compiled.resolveSettled(manager());
    expect(value).toStrictEqual({ dsn: '{{resolve:secretsmanager:bad id}}@app' });
  });

  it('copies symbol keys, own __proto__ keys, null-prototype objects and long sparse arrays as resolveConnection does', async () => {
    const tag = Symbol('tag');
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      user: '{{resolve:secretsmanager:db:SecretString:user}}',
    });
    const own = JSON.parse('{"__proto__": {"key": "{{conn1|ap_sep_v1|api:key}}"}}') as Record<
      string,
      unknown
    >;
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = '{{resolve:secretsmanager:plain}}';
    const input = { [tag]: 'kept', bare, own, sparse, when: new Date(0) };
    const compiled = compileConnection(input);
    for (let round = 0; round < 2; round++) {
      const value = await compiled.resolve(manager());
      expect(value).toStrictEqual(await resolveConnection(input, manager()));
      expect(value[tag]).toBe('kept');
      expect(Object.getPrototypeOf(value.bare)).toBeNull();
      expect(Object.hasOwn(value.own, '__proto__')).toBe(true);
      expect(value.sparse.length).toBe(2 ** 32 - 1);
      expect(value.sparse[2 ** 32 - 2]).toBe('whole-secret');
      expect(value.when).toBe(input.when);
      expect(value.bare).not.toBe(bare);
      expectNoCanary(input);
    }
  });
});
