import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRefConfigError, SecretResolutionError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { EncodeSite } from '../../src/resolve/encode.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

const PASSWORD_REF = '{{resolve:secretsmanager:prod/db:SecretString:password}}';
const DSN = `postgres://app:${PASSWORD_REF}@db:5432/app`;

function managerWith(password: string) {
  return createSecretManager(createMemoryProvider({ 'prod/db': JSON.stringify({ password }) }), {
    cache: false,
  });
}

describe("encode: 'uri'", () => {
  it('gives a URL that new URL() accepts, whose password decodes to the value', async () => {
    // Prepare
    const manager = managerWith('p@ss:w0rd/!');
    // Act
    const { dsn, password } = await resolveConnection({ dsn: DSN, password: PASSWORD_REF }, manager, {
      encode: 'uri',
    });
    // Assess
    expect(dsn).toBe('postgres://app:p%40ss%3Aw0rd%2F!@db:5432/app');
    const url = new URL(dsn);
    expect(url.hostname).toBe('db');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w0rd/!');
    expect(password).toBe('p@ss:w0rd/!');
  });

  it('without it, such a value breaks the URL (why the option exists)', async () => {
    const { dsn } = await resolveConnection({ dsn: DSN }, managerWith('p@ss:w0rd/!'));
    expect(() => new URL(dsn)).toThrow(TypeError);
  });

  it('for any printable password, an embedded value always yields a URL with that password', async () => {
    const printable = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(printable, async (password) => {
        const manager = createFakeManager({ 'prod/db/password': password });
        const { dsn } = await resolveConnection({ dsn: DSN }, manager, { encode: 'uri' });
        const url = new URL(dsn);
        expect(url.username).toBe('app');
        expect(url.host).toBe('db:5432');
        expect(url.pathname).toBe('/app');
        expect(decodeURIComponent(url.password)).toBe(password);
      }),
      { numRuns: 300 },
    );
  });

  it('makes a value it cannot encode (an unpaired surrogate) an issue on that reference, naming no value', async () => {
    const manager = createFakeManager({ 'prod/db/password': `${CANARY}\uD800` });
    const settled = await resolveConnectionSettled({ dsn: DSN, whole: PASSWORD_REF }, manager, {
      encode: 'uri',
    });
    expect(settled.value).toEqual({ dsn: DSN, whole: `${CANARY}\uD800` });
    expect(settled.issues).toEqual([
      {
        path: ['dsn'],
        ref: PASSWORD_REF,
        code: 'invalid_config',
        message: `${PASSWORD_REF}: its value cannot be percent-encoded for \`encode: 'uri'\` (it holds an unpaired surrogate)`,
      },
    ]);
    expectNoCanary(settled.issues);
  });
});

describe('encode as a function', () => {
  it('is called for every substituted value with its site, and its text is substituted', async () => {
    const sites: EncodeSite[] = [];
    const manager = createFakeManager({ 'a/k': 'one', b: 'two' });
    const resolved = await resolveConnection(
      { list: ['{{conn1|ap_sep_v1|a:k}}', 'x={{resolve:secretsmanager:b}};'] },
      manager,
      {
        encode: (value, site) => {
          sites.push(site);
          return value.toUpperCase();
        },
      },
    );
    expect(resolved).toEqual({ list: ['ONE', 'x=TWO;'] });
    expect(sites).toEqual([
      {
        path: ['list', 0],
        whole: true,
        ref: '{{conn1|ap_sep_v1|a:k}}',
        secretRef: { manager: 'conn1', secretId: 'a', jsonKey: 'k' },
      },
      { path: ['list', 1], whole: false, ref: '{{resolve:secretsmanager:b}}', secretRef: { secretId: 'b' } },
    ]);
  });

  it('makes a throw or a non-string an issue on that site, never a crash, never quoting the value', async () => {
    // Prepare
    const manager = createFakeManager({ a: CANARY, b: 'fine', c: CANARY });
    const encode = (value: string, site: EncodeSite): string => {
      if (site.ref.includes(':a}}')) throw new Error(`cannot encode ${value}`);
      if (site.ref.includes(':c}}')) return { value } as unknown as string;
      return `<${value}>`;
    };
    const connection = {
      a: 'x {{resolve:secretsmanager:a}}',
      b: '{{resolve:secretsmanager:b}}',
      c: '{{resolve:secretsmanager:c}}',
    };
    // Act
    const settled = await resolveConnectionSettled(connection, manager, { encode });
    const thrown = await resolveConnection(connection, manager, { encode }).catch((e: unknown) => e);
    // Assess
    expect(settled.value).toEqual({ ...connection, b: '<fine>' });
    expect(settled.issues.map(({ path, code, message }) => ({ path, code, message }))).toEqual([
      {
        path: ['a'],
        code: 'invalid_config',
        message: '{{resolve:secretsmanager:a}}: `encode` threw for its value',
      },
      {
        path: ['c'],
        code: 'invalid_config',
        message: '{{resolve:secretsmanager:c}}: `encode` returned an object, not a string',
      },
    ]);
    expect(thrown).toBeInstanceOf(SecretResolutionError);
    expectNoCanary(thrown);
    expectNoCanary(settled.issues);
  });

  it('masks both the value and its encoded text in the settled masker', async () => {
    const manager = createFakeManager({ 'prod/db/password': 'p@ss:w0rd/!' });
    const { value, masker } = await resolveConnectionSettled({ dsn: DSN }, manager, { encode: 'uri' });
    expect(masker.mask(`${value.dsn} p@ss:w0rd/!`)).toBe('postgres://app:****@db:5432/app ****');
  });

  it("refuses an encode that is neither 'uri' nor a function, naming the option", async () => {
    const error = await resolveConnection({ a: 'x' }, createFakeManager({}), {
      encode: 'url' as 'uri',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretRefConfigError);
    expect((error as SecretRefConfigError).option).toBe('encode');
  });
});
