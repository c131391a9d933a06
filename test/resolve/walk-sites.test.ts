import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SecretManager } from '../../src/manager/types.js';
import { createMasker } from '../../src/resolve/mask.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { copyStringSites, copyStrings, type PathSegment, readMaxDepth } from '../../src/resolve/walk.js';
import type { SecretRef } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

describe('copyStringSites', () => {
  it('builds a path and a replacer only when asked, and they match what copyStrings passes', () => {
    const input = { a: 'x', list: ['y', { deep: 'z' }], n: 1 };
    const eager: [PathSegment[], string][] = [];
    copyStrings(input, (text, path) => eager.push([path, text]));
    const lazy: [PathSegment[], string][] = [];
    let asked = 0;
    const copy = copyStringSites(
      input,
      (text, site) => {
        lazy.push([site.path(), text]);
        if (text === 'z') {
          asked++;
          site.replacer()?.('Z');
        }
      },
      readMaxDepth(undefined),
    ).value;
    expect(lazy).toEqual(eager);
    expect(asked).toBe(1);
    expect(copy).toEqual({ a: 'x', list: ['y', { deep: 'Z' }], n: 1 });
    expect(input.list[1]).toEqual({ deep: 'z' });
  });

  it('reads a proxy key by key through getOwnPropertyDescriptor, as before, never through its get trap', () => {
    const target = { token: 'abc', nested: { inner: 'def' } };
    let gets = 0;
    const proxy = new Proxy(target, {
      get(inner, key) {
        gets++;
        return Reflect.get(inner, key);
      },
    });
    expect(copyStrings({ p: proxy }, (text, _path, replace) => replace?.(text.toUpperCase())).value).toEqual({
      p: { token: 'ABC', nested: { inner: 'DEF' } },
    });
    expect(gets).toBe(0);
  });

  it('copies keys that Object.prototype holds as own data and replaces them without touching the prototype', () => {
    const input = JSON.parse('{"__proto__": "{{x}}", "toString": "t", "constructor": {"a": "c"}}') as object;
    const out = copyStrings(input, (text, _path, replace) => replace?.(`<${text}>`)).value as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toMatchObject({
      value: '<{{x}}>',
      writable: true,
    });
    expect(Object.hasOwn(out, 'toString')).toBe(true);
    expect(out.toString).toBe('<t>');
    expect(out.constructor).toEqual({ a: '<c>' });
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe('resolveConnection reference keys', () => {
  it('passes references whose parts only differ in where they split as distinct references', async () => {
    const fake = createFakeManager({ 'ab/c': 'one', 'a/bc': 'two' });
    const value = await resolveConnection(
      {
        x: '{{resolve:secretsmanager:ab:SecretString:c}}',
        y: '{{resolve:secretsmanager:a:SecretString:bc}}',
      },
      fake,
    );
    expect(value).toEqual({ x: 'one', y: 'two' });
    expect(fake.calls[0]).toHaveLength(2);
  });

  it('passes a Parameter Store and a Secrets Manager reference of one name as distinct references', async () => {
    const asked: SecretRef[] = [];
    const manager: SecretManager = {
      ...createFakeManager({}),
      async getSecrets(refs) {
        asked.push(...(refs as SecretRef[]));
        return (refs as SecretRef[]).map((ref) => ({
          ok: true,
          value: `${ref.service ?? 'sm'}:${ref.secretId}`,
        }));
      },
    };
    const value = await resolveConnection(
      { parameter: '{{resolve:ssm:db}}', secret: '{{resolve:secretsmanager:db}}' },
      manager,
    );
    expect(value).toEqual({ parameter: 'ssm:db', secret: 'sm:db' });
    expect(asked).toHaveLength(2);
  });
});

describe('the masker of a settled resolve', () => {
  it('masks like createMasker, shows only its size and leaks no value', async () => {
    const values = [CANARY, 'on', 'pa"ss'];
    const fake = createFakeManager({ a: CANARY, b: 'on', c: 'pa"ss' });
    const { masker: lazy } = await resolveConnectionSettled(
      {
        a: '{{resolve:secretsmanager:a}}',
        b: '{{resolve:secretsmanager:b}}',
        c: '{{resolve:secretsmanager:c}}',
      },
      fake,
    );
    expect(inspect(lazy, { showHidden: true, depth: Number.POSITIVE_INFINITY })).not.toContain(CANARY);
    const eager = createMasker(values);
    const text = `x ${CANARY} on ${JSON.stringify({ p: 'pa"ss' })}`;
    expect(lazy.mask(text)).toBe(eager.mask(text));
    expect(lazy.maskValue({ a: [text] })).toEqual(eager.maskValue({ a: [text] }));
    expect(lazy.size).toBe(eager.size);
    expect(JSON.stringify(lazy)).toBe('{"size":2}');
    expect(Object.isFrozen(lazy)).toBe(true);
    expectNoCanary(lazy);
  });
});

describe('copying large objects', () => {
  it('copies an object past 16 keys key by key: same data, own __proto__, symbols, getters read once', () => {
    // Prepare: built by assignment, so V8 keeps it in dictionary mode
    const input: Record<PropertyKey, unknown> = {};
    for (let i = 0; i < 40; i++) input[`key${i}`] = i % 2 === 0 ? `v${i}` : { n: i };
    Object.defineProperty(input, '__proto__', {
      value: 'own',
      enumerable: true,
      configurable: true,
      writable: true,
    });
    const symbol = Symbol('s');
    input[symbol] = 'sym';
    let reads = 0;
    Object.defineProperty(input, 'lazy', {
      enumerable: true,
      get: () => {
        reads++;
        return 'got';
      },
    });
    // Act
    const copy = copyStrings(input, (text, _path, replace) => replace?.(text.toUpperCase())).value as Record<
      PropertyKey,
      unknown
    >;
    // Assess
    expect(reads).toBe(1);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe('OWN');
    expect(copy[symbol]).toBe('sym');
    expect(copy.lazy).toBe('GOT');
    expect(copy.key2).toBe('V2');
    expect(copy.key3).toEqual({ n: 3 });
    expect(copy.key3).not.toBe(input.key3);
    expect(Object.keys(copy)).toEqual(Object.keys(input));
  });
});
