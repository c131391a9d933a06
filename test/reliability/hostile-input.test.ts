import { afterEach, describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const PASSWORD = `${CANARY}-pw`;
const REF = '{{resolve:secretsmanager:db:SecretString:password}}';

function setup() {
  const provider = createMemoryProvider({
    db: JSON.stringify({ password: PASSWORD, user: 'app' }),
    ...Object.fromEntries(Array.from({ length: 5 }, (_, n) => [`s${n}`, JSON.stringify({ k: `v${n}` })])),
  });
  return { provider, manager: createSecretManager(provider) };
}

async function refused(promise: Promise<unknown>): Promise<SecretRefError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the resolve to be refused');
    },
    (caught: unknown) => caught,
  );
  expectNoCanary(error);
  expect(error).toBeInstanceOf(SecretRefError);
  return error as SecretRefError;
}

function nest(depth: number, leaf: unknown, asArray = false): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { next: value };
  return value;
}

function bottom(value: unknown, depth: number, asArray = false): unknown {
  let current = value;
  for (let i = 0; i < depth; i++)
    current = asArray ? (current as unknown[])[0] : (current as { next: unknown }).next;
  return current;
}

afterEach(() => {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.toString.call([])).toBe('[object Array]');
});

describe('hostile connection objects: a clear error or a correct result, never a crash, hang or pollution', () => {
  it('refuses a cycle through an object and through an array with invalid_input', async () => {
    const { manager } = setup();
    const loop: Record<string, unknown> = { password: REF };
    loop.self = loop;
    const list: unknown[] = [REF];
    list.push({ back: list });

    const viaObject = await refused(resolveConnection(loop, manager));
    const viaArray = await refused(resolveConnection({ list }, manager));

    expect(viaObject).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('cycle') });
    expect(viaArray).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('list[1].back'),
    });
  });

  it('resolves a shared (non-cyclic) object once per path, like the input', async () => {
    const { manager } = setup();
    const shared = { password: REF };

    const out = await resolveConnection({ a: shared, b: shared }, manager);

    expect(out).toEqual({ a: { password: PASSWORD }, b: { password: PASSWORD } });
    expect(shared.password).toBe(REF);
  });

  it('refuses 10,000 levels of objects and of arrays by default, naming `maxDepth`, without overflowing the stack', async () => {
    const { manager } = setup();

    const objects = await refused(resolveConnection(nest(10_000, REF), manager));
    const arrays = await refused(resolveConnection(nest(10_000, REF, true), manager));

    for (const error of [objects, arrays]) {
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain('`maxDepth`');
      expect(error.message.length).toBeLessThan(400);
    }
  });

  it('resolves a reference 10,000 levels deep when `maxDepth` allows it', async () => {
    const { manager } = setup();

    const objects = await resolveConnection(nest(10_000, REF), manager, {
      maxDepth: Number.POSITIVE_INFINITY,
    });
    const arrays = await resolveConnection(nest(10_000, REF, true), manager, { maxDepth: 10_001 });

    expect(bottom(objects, 10_000)).toBe(PASSWORD);
    expect(bottom(arrays, 10_000, true)).toBe(PASSWORD);
  });

  it('keeps `__proto__`, `constructor` and `prototype` as plain own keys and pollutes nothing', async () => {
    const { manager } = setup();
    const input = JSON.parse(
      `{"__proto__":{"polluted":"${REF}"},"constructor":{"prototype":{"polluted":"${REF}"}},"list":[{"__proto__":"${REF}"}]}`,
    ) as Record<string, unknown>;

    const out = (await resolveConnection(input, manager)) as Record<string, unknown>;

    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'list']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: PASSWORD });
    expect(out.constructor).toEqual({ prototype: { polluted: PASSWORD } });
    const item = (out.list as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(item, '__proto__')?.value).toBe(PASSWORD);
    expect(Object.getOwnPropertyDescriptor(input, '__proto__')?.value).toEqual({ polluted: REF });
  });

  it('refuses a throwing getter, a throwing Proxy trap and a revoked Proxy with invalid_input naming where', async () => {
    const { manager } = setup();
    const getter = {
      user: REF,
      get password(): string {
        throw new Error('getter exploded');
      },
    };
    const trap = new Proxy(
      { password: REF },
      {
        ownKeys() {
          throw new Error('ownKeys exploded');
        },
      },
    );
    const { proxy, revoke } = Proxy.revocable({ password: REF }, {});
    revoke();

    const errors = await Promise.all([
      refused(resolveConnection({ auth: getter }, manager)),
      refused(resolveConnection({ auth: trap }, manager)),
      refused(resolveConnection({ auth: proxy }, manager)),
    ]);

    expect(errors.map((error) => error.code)).toEqual(['invalid_input', 'invalid_input', 'invalid_input']);
    expect(errors[0]!.message).toContain('auth.password');
    for (const error of errors) expect(error.message).not.toContain('exploded');
  });

  it('resolves a 100,000-element array with one fetch for its 5 secrets', async () => {
    const { manager, provider } = setup();
    const input = Array.from({ length: 100_000 }, (_, i) =>
      i % 10 === 0 ? `{{resolve:secretsmanager:s${(i / 10) % 5}:SecretString:k}}` : i,
    );

    const started = performance.now();
    const out = await resolveConnection(input, manager);
    const elapsed = performance.now() - started;

    expect(out).toHaveLength(100_000);
    expect(out[0]).toBe('v0');
    expect(out[10]).toBe('v1');
    expect(out[99_990]).toBe('v4');
    expect(out[99_999]).toBe(99_999);
    expect(input[0]).toBe('{{resolve:secretsmanager:s0:SecretString:k}}');
    expect(provider.apiCalls()).toBe(1);
    expect(elapsed).toBeLessThan(10_000);
    console.log(
      `reliability: 100,000-element array: 10,000 references resolved in ${Math.round(elapsed)} ms, 1 fetch`,
    );
  });

  it('scans a 1 MB string of reference openers in linear time, reporting each broken one', async () => {
    const { manager } = setup();
    const text = '{{resolve:secretsmanager:'.repeat(40_000);

    const started = performance.now();
    const error = (await refused(resolveConnection({ text }, manager))) as SecretRefError & {
      issues?: unknown[];
    };
    const elapsed = performance.now() - started;

    expect(error.code).toBe('resolution_failed');
    expect(error.issues?.length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('passes Dates, Maps, Buffers, class instances and functions through untouched', async () => {
    const { manager } = setup();
    class Holder {
      password = REF;
    }
    const input = {
      when: new Date(0),
      map: new Map([['password', REF]]),
      bytes: Buffer.from(REF),
      holder: new Holder(),
      fn: () => REF,
      password: REF,
    };

    const out = await resolveConnection(input, manager);

    expect(out.password).toBe(PASSWORD);
    for (const key of ['when', 'map', 'bytes', 'holder', 'fn'] as const) expect(out[key]).toBe(input[key]);
    expect(out.holder.password).toBe(REF);
  });

  it('resolves a deeply frozen input without touching it', async () => {
    const { manager } = setup();
    const input = Object.freeze({ auth: Object.freeze({ password: REF, list: Object.freeze([REF]) }) });

    const out = await resolveConnection(input, manager);

    expect(out).toEqual({ auth: { password: PASSWORD, list: [PASSWORD] } });
    expect(input.auth.password).toBe(REF);
  });
});
