import { describe, expect, it } from 'vitest';
import { SecretRefConfigError, SecretRefError } from '../../src/errors.js';
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

describe('visitStrings', () => {
  it('visits every string of plain objects and arrays with its path', () => {
    // Prepare
    const value = { a: 'x', b: [1, 'y', { c: 'z' }], d: null, e: true };
    // Act
    const seen = collect(value);
    // Assess
    expect(seen).toEqual([
      [['a'], 'x'],
      [['b', 1], 'y'],
      [['b', 2, 'c'], 'z'],
    ]);
  });

  it('a copying walk visits each string once, in order, before, inside and after nested containers', () => {
    const seen: string[] = [];
    const copy = copyStrings(
      { a: 'x1', b: { c: 'x2' }, d: 'x3', e: ['x4', { g: 'x6' }], f: 'x5' },
      (text, path, replace) => {
        seen.push(`${path.join('.')}=${text}`);
        replace?.(`${text}!`);
      },
    ).value;
    expect(seen).toEqual(['a=x1', 'b.c=x2', 'd=x3', 'e.0=x4', 'e.1.g=x6', 'f=x5']);
    expect(copy).toEqual({ a: 'x1!', b: { c: 'x2!' }, d: 'x3!', e: ['x4!', { g: 'x6!' }], f: 'x5!' });
  });

  it('visits a root string with an empty path', () => {
    expect(collect('only')).toEqual([[[], 'only']]);
  });

  it('does not enter Dates, Maps, Sets, Buffers, typed arrays, class instances or array subclasses', () => {
    class Box {
      inner = 'hidden';
    }
    class List extends Array<string> {}
    const list = new List();
    list.push('hidden');
    const value = {
      date: new Date(0),
      map: new Map([['k', 'hidden']]),
      set: new Set(['hidden']),
      buffer: Buffer.from('hidden'),
      bytes: new Uint8Array([1]),
      box: new Box(),
      list,
      fn: () => 'hidden',
      sym: Symbol('hidden'),
    };
    expect(collect(value)).toEqual([]);
  });
});

describe('copyStrings', () => {
  it('copies plain containers, passes other values through by reference and never mutates the input', () => {
    // Prepare
    const date = new Date(0);
    const buffer = Buffer.from('raw');
    const map = new Map([['k', 'v']]);
    const list = ['y', date, buffer, map];
    const nested = { list };
    const input = { a: 'x', nested };
    // Act
    const out = upper(input) as typeof input;
    // Assess
    expect(out).toEqual({ a: 'X', nested: { list: ['Y', date, buffer, map] } });
    expect(out).not.toBe(input);
    expect(out.nested).not.toBe(input.nested);
    expect(out.nested.list[1]).toBe(date);
    expect(out.nested.list[2]).toBe(buffer);
    expect(out.nested.list[3]).toBe(map);
    expect(input).toEqual({ a: 'x', nested: { list: ['y', date, buffer, map] } });
    expect(input.nested).toBe(nested);
    expect(input.nested.list).toBe(list);
    expect(buffer.toString()).toBe('raw');
  });

  it('replaces a root string', () => {
    expect(upper('abc')).toBe('ABC');
  });

  it('returns primitives and non-plain values as they are', () => {
    const date = new Date(0);
    expect(upper(date)).toBe(date);
    expect(upper(42)).toBe(42);
    expect(upper(undefined)).toBeUndefined();
    expect(upper(null)).toBeNull();
  });

  it('lets a string be replaced after the walk', () => {
    // Prepare
    const later: ((next: string) => void)[] = [];
    const result = copyStrings({ a: ['x'] }, (_text, _path, replace) => {
      if (replace) later.push(replace);
    });
    // Act
    for (const replace of later) replace('done');
    // Assess
    expect(result.value).toEqual({ a: ['done'] });
  });

  it('keeps the prototype of null-prototype objects and Object.prototype of ordinary ones', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x' });
    const out = upper({ bare }) as { bare: Record<string, unknown> };
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.bare)).toBeNull();
    expect(out.bare.a).toBe('X');
  });

  it('copies `__proto__`, `constructor` and `prototype` keys as own data without polluting any prototype', () => {
    // Prepare
    const input = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": "p"}',
    ) as Record<string, unknown>;
    // Act
    const out = upper(input) as Record<string, unknown>;
    // Assess
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 'YES' });
    expect(out.prototype).toBe('P');
    expect(collect(input).map(([path]) => path)).toEqual([
      ['__proto__', 'polluted'],
      ['constructor', 'prototype', 'polluted'],
      ['prototype'],
    ]);
  });

  it('keeps holes of sparse arrays and handles a 100 000-element array', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const sparse = upper(['a', , 'c']) as unknown[];
    expect(sparse).toHaveLength(3);
    expect(1 in sparse).toBe(false);
    expect(sparse[2]).toBe('C');

    const big = Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? 'x' : i));
    const out = upper(big) as unknown[];
    expect(out).toHaveLength(100_000);
    expect(out[99_998]).toBe('X');
    expect(out[99_999]).toBe(99_999);
  });

  it('walks a huge sparse array by its present elements only', () => {
    const huge: unknown[] = [];
    huge.length = 2 ** 31;
    huge[2 ** 30] = 'x';
    const out = upper(huge) as unknown[];
    expect(out.length).toBe(2 ** 31);
    expect(out[2 ** 30]).toBe('X');
  });

  it('copies enumerable symbol-keyed properties untouched and skips non-enumerable ones', () => {
    const tag = Symbol('tag');
    const input: Record<PropertyKey, unknown> = { a: 'x', [tag]: 'kept' };
    Object.defineProperty(input, 'hidden', { value: 'h', enumerable: false });
    const out = upper(input) as Record<PropertyKey, unknown>;
    expect(out[tag]).toBe('kept');
    expect(Object.hasOwn(out, 'hidden')).toBe(false);
  });

  it('reads getters once, copies their value as data and never calls setters', () => {
    // Prepare
    let reads = 0;
    let writes = 0;
    const input = {
      get token() {
        reads += 1;
        return 'abc';
      },
      set token(_next: string) {
        writes += 1;
      },
    };
    // Act
    const out = upper(input) as { token: string };
    // Assess
    expect(reads).toBe(1);
    expect(writes).toBe(0);
    expect(Object.getOwnPropertyDescriptor(out, 'token')).toMatchObject({ value: 'ABC', writable: true });
  });

  it('shares the copy of an object met twice, like the input', () => {
    const shared = { user: 'u' };
    const out = upper({ a: shared, b: [shared] }) as { a: object; b: object[] };
    expect(out.a).toBe(out.b[0]);
    expect(out.a).toEqual({ user: 'U' });
  });

  it('shares the copy of an object met again among many containers, and refuses a cycle to the root among them', () => {
    const shared = { user: 'u' };
    const siblings = Array.from({ length: 40 }, (_, n) => ({ n: String(n) }));
    const out = upper({ first: shared, siblings, last: shared }) as { first: object; last: object };
    expect(out.last).toBe(out.first);
    expect(out.first).toEqual({ user: 'U' });
    const looped: Record<string, unknown> = { siblings: siblings.map((item) => ({ ...item })) };
    (looped.siblings as Record<string, unknown>[])[30]!.back = looped;
    expect(caught(() => upper(looped))).toMatchObject({
      code: 'invalid_input',
      message:
        'Cannot walk the value: it refers back to one of its own parents at siblings[30].back (a cycle)',
    });
  });

  it('walks a diamond-shaped value 60 levels high in linear time', () => {
    let node: unknown = { leaf: 'x' };
    for (let i = 0; i < 60; i++) node = { left: node, right: node };
    const started = performance.now();
    let strings = 0;
    visitStrings(node, () => {
      strings += 1;
    });
    expect(strings).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('refused input', () => {
  it('refuses a cycle with invalid_input naming where it closes', () => {
    const input: Record<string, unknown> = { props: { list: [] as unknown[] } };
    ((input.props as Record<string, unknown>).list as unknown[]).push(input.props);
    const error = caught(() => upper(input));
    expect(error).toBeInstanceOf(SecretRefError);
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toBe(
      'Cannot walk the value: it refers back to one of its own parents at props.list[0] (a cycle)',
    );
  });

  it('refuses nesting deeper than maxDepth without overflowing the stack, even 200 000 levels deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const error = caught(() => collect(deep));
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toMatch(/nests deeper than 100 levels at \[0\]\[0\].*\(100 levels\)/);
  });

  it('walks deep values when maxDepth allows, iteratively', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    const seen: number[] = [];
    visitStrings(deep, (_text, path) => seen.push(path.length), { maxDepth: Number.POSITIVE_INFINITY });
    expect(seen).toEqual([50_000]);
  });

  it('accepts exactly maxDepth levels', () => {
    expect(collect({ a: { b: 'x' } })).toHaveLength(1);
    expect(() => visitStrings({ a: { b: 'x' } }, () => {}, { maxDepth: 2 })).not.toThrow();
    expect(() => visitStrings({ a: { b: 'x' } }, () => {}, { maxDepth: 1 })).toThrow(/deeper than 1 levels/);
  });

  it('rejects a bad maxDepth with SecretRefConfigError naming the option', () => {
    for (const maxDepth of [0, -1, 1.5, Number.NaN, '3' as unknown as number]) {
      const error = caught(() => visitStrings({}, () => {}, { maxDepth }));
      expect(error).toBeInstanceOf(SecretRefConfigError);
      expect(error).toMatchObject({ option: 'maxDepth' });
    }
  });

  it('reports a throwing getter with its path, keeps the error as cause and leaks no value', () => {
    const cause = new Error('getter failed');
    const input = {
      props: {
        password: CANARY,
        get token(): string {
          throw cause;
        },
      },
    };
    const error = caught(() => upper(input));
    expect(error).toBeInstanceOf(SecretRefError);
    expect(error).toMatchObject({ code: 'invalid_input', cause });
    expect((error as Error).message).toBe('Cannot walk the value: reading props.token threw');
    expectNoCanary(error);
  });

  it('reports a proxy whose traps throw instead of crashing', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const error = caught(() => collect({ a: hostile }));
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toBe('Cannot walk the value: its keys could not be listed at a');
  });

  it('reports a revoked proxy instead of crashing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const error = caught(() => collect({ a: [proxy] }));
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toBe('Cannot walk the value: the value at a[0] could not be inspected');
  });
});
