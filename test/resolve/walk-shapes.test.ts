import { afterEach, describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { copyStrings, type PathSegment, visitStrings } from '../../src/resolve/walk.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const upper = (value: unknown) =>
  copyStrings(value, (text, _path, replace) => replace?.(text.toUpperCase())).value;

function collect(value: unknown): [PathSegment[], string][] {
  const seen: [PathSegment[], string][] = [];
  visitStrings(value, (text, path) => seen.push([path, text]));
  return seen;
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** `{ a: { a: … { a: leaf } } }`, `levels` objects deep. */
function chain(levels: number, leaf: unknown): Record<string, unknown> {
  let node: Record<string, unknown> = { leaf };
  for (let i = 1; i < levels; i++) node = { a: node };
  return node;
}

describe('walking long and deep values', () => {
  it('gives the index of a container inside a long sparse array in its strings’ paths and in errors', () => {
    const sparse: unknown[] = [];
    sparse[1_500] = { a: 'x' };
    expect(collect(sparse)).toEqual([[[1_500, 'a'], 'x']]);
    expect((upper(sparse) as unknown[])[1_500]).toEqual({ a: 'X' });

    const looped: unknown[] = [];
    looped[1_500] = { back: looped };
    expect((caught(() => upper(looped)) as Error).message).toBe(
      'Cannot walk the value: it refers back to one of its own parents at [1500].back (a cycle)',
    );
  });

  it('shares the copy of an object met both near the root and 40 levels down', () => {
    const shared = { user: 'u' };
    const deep = chain(40, shared);
    const out = upper({ near: shared, deep }) as Record<string, unknown>;
    let node = out.deep as Record<string, unknown>;
    for (let i = 1; i < 40; i++) node = node.a as Record<string, unknown>;
    expect(node.leaf).toBe(out.near);
    expect(out.near).toEqual({ user: 'U' });
    expect(shared).toEqual({ user: 'u' });
  });

  it('refuses a cycle from 40 levels down back to the root, and visits the deep string at its full path', () => {
    const root: Record<string, unknown> = { deep: chain(40, 'x') };
    expect(collect(root)[0]![0]).toHaveLength(41);
    let node = root.deep as Record<string, unknown>;
    for (let i = 1; i < 40; i++) node = node.a as Record<string, unknown>;
    node.back = root;
    const error = caught(() => upper(root));
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toBe(
      'Cannot walk the value: it refers back to one of its own parents at deep.a.a.a.a.a….a.a.back (41 levels) (a cycle)',
    );
  });
});

describe('a read-only walk of hostile values', () => {
  it('reads each getter once and reports a throwing one with its path, leaking no value', () => {
    let reads = 0;
    const cause = new Error('getter failed');
    const list: unknown[] = ['a'];
    Object.defineProperty(list, 1, {
      enumerable: true,
      get() {
        throw cause;
      },
    });
    const input = {
      get counted() {
        reads += 1;
        return 'once';
      },
      nested: { password: CANARY, list },
    };
    const error = caught(() => collect(input));
    expect(reads).toBe(1);
    expect(error).toMatchObject({ code: 'invalid_input', cause });
    expect((error as Error).message).toBe('Cannot walk the value: reading nested.list[1] threw');
    expectNoCanary(error);
  });

  it('reads a proxy through getOwnPropertyDescriptor, never through its get trap', () => {
    let gets = 0;
    const proxy = new Proxy(
      { token: 'abc', nested: { inner: 'def' } },
      {
        get(inner, key) {
          gets++;
          return Reflect.get(inner, key);
        },
      },
    );
    expect(collect({ p: proxy })).toEqual([
      [['p', 'token'], 'abc'],
      [['p', 'nested', 'inner'], 'def'],
    ]);
    expect(gets).toBe(0);
  });
});

describe('a proxy of an array that lies about its length', () => {
  it.each<[string, unknown]>([
    ['negative', -1],
    ['not a number', 'x'],
    ['fractional', 1.5],
    ['past 2^32 - 1', 2 ** 32],
  ])(
    'is refused as invalid_input naming its path (%s), never a RangeError or a made-up element',
    (_, length) => {
      const proxy = new Proxy([CANARY], {
        get: (target, key, receiver) => (key === 'length' ? length : Reflect.get(target, key, receiver)),
      });
      for (const run of [() => upper({ list: proxy }), () => collect({ list: proxy })]) {
        const error = caught(run);
        expect(error).toBeInstanceOf(SecretRefError);
        expect((error as SecretRefError).code).toBe('invalid_input');
        expect((error as Error).message).toContain('list');
        expectNoCanary(error);
      }
    },
  );
});

describe('an enumerable key added to Object.prototype', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).injected;
  });

  it('is neither visited nor copied as an own key', () => {
    (Object.prototype as Record<string, unknown>).injected = 'inherited';
    const input = { a: 'x', nested: { b: 'y' }, list: [{ c: 'z' }] };
    expect(collect(input).map(([, text]) => text)).toEqual(['x', 'y', 'z']);
    const out = upper(input) as Record<string, unknown>;
    expect(out).toEqual({ a: 'X', nested: { b: 'Y' }, list: [{ c: 'Z' }] });
    expect(Object.keys(out)).toEqual(['a', 'nested', 'list']);
    expect(Object.hasOwn(out.nested as object, 'injected')).toBe(false);
  });
});

describe('null-prototype objects', () => {
  it('copies a `__proto__` key holding an object as own data of a null-prototype copy', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(bare, '__proto__', { value: { a: 'x' }, enumerable: true, writable: true });
    const out = upper({ bare }) as { bare: Record<string, unknown> };
    expect(Object.getPrototypeOf(out.bare)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(out.bare, '__proto__')?.value).toEqual({ a: 'X' });
    expect(Object.getOwnPropertyDescriptor(bare, '__proto__')?.value).toEqual({ a: 'x' });
  });
});
