import { describe, expect, it } from 'vitest';
import {
  SecretRefConfigError,
  SecretRefError,
  SecretResolutionError,
  type SecretResolutionIssue,
} from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider, type MemoryProviderCall } from '../../src/provider/memory.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

function setup() {
  const calls: MemoryProviderCall[] = [];
  const provider = createMemoryProvider(
    {
      'prod/api': JSON.stringify({ key: 'ak-live-1234' }),
      'prod/oauth': JSON.stringify({ client_id: 'client-1', client_secret: 'cs-5678' }),
      'prod/basic': JSON.stringify({ username: 'svc-user', password: 'pw-9012' }),
      'prod/db': JSON.stringify({ user: 'app', password: 'db-pass-3456', port: 5432, tls: { ca: 'CA-PEM' } }),
      'prod/canary': JSON.stringify({ password: CANARY }),
      'prod/plain': CANARY,
    },
    { onCall: (call) => void calls.push(call) },
  );
  const manager = createSecretManager(provider);
  return { provider, manager, calls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('resolveConnection', () => {
  it('resolves Activepieces custom auth props through the manager named by the connection id', async () => {
    // Prepare
    const { manager } = setup();
    const connection = {
      type: 'CUSTOM_AUTH',
      props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', baseUrl: 'https://api.example.com' },
    };
    // Act
    const resolved = await resolveConnection(connection, { conn1: manager });
    // Assess
    expect(resolved).toEqual({
      type: 'CUSTOM_AUTH',
      props: { apiKey: 'ak-live-1234', baseUrl: 'https://api.example.com' },
    });
    expect(connection.props.apiKey).toBe('{{conn1|ap_sep_v1|prod/api:key}}');
  });

  it('resolves an OAuth2 value, keeping token data and Dates as they are', async () => {
    const { manager } = setup();
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const connection = {
      type: 'OAUTH2',
      value: {
        client_id: '{{resolve:secretsmanager:prod/oauth:SecretString:client_id}}',
        client_secret: '{{resolve:secretsmanager:prod/oauth:SecretString:client_secret}}',
        access_token: 'at-public',
        expires_in: 3600,
        expiresAt,
        scope: ['read', 'write'],
      },
    };
    const resolved = await resolveConnection(connection, manager);
    expect(resolved.value).toEqual({ ...connection.value, client_id: 'client-1', client_secret: 'cs-5678' });
    expect(resolved.value.expiresAt).toBe(expiresAt);
    expect(resolved.value.scope).not.toBe(connection.value.scope);
  });

  it('fetches one secret once for several of its keys (basic auth)', async () => {
    const { manager, provider, calls } = setup();
    const connection = {
      type: 'BASIC_AUTH',
      username: '{{resolve:secretsmanager:prod/basic:SecretString:username}}',
      password: '{{resolve:secretsmanager:prod/basic:SecretString:password}}',
      again: ['{{resolve:secretsmanager:prod/basic:SecretString:password}}'],
    };
    const resolved = await resolveConnection(connection, manager);
    expect(resolved).toEqual({
      type: 'BASIC_AUTH',
      username: 'svc-user',
      password: 'pw-9012',
      again: ['pw-9012'],
    });
    expect(provider.apiCalls()).toBe(1);
    expect(calls.flatMap((call) => call.locators)).toEqual([{ secretId: 'prod/basic' }]);
  });

  it('substitutes embedded references and resolves header arrays and nested database options', async () => {
    const { manager, provider } = setup();
    const ca = Buffer.from('binary-ca');
    const connection = {
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'X-Api-Key', value: '{{conn1|ap_sep_v1|prod/api:key}}' },
      ],
      database: {
        url: 'postgres://{{resolve:secretsmanager:prod/db:SecretString:user}}:{{resolve:secretsmanager:prod/db:SecretString:password}}@db:5432/app',
        options: {
          port: '{{resolve:secretsmanager:prod/db:SecretString:port}}',
          ssl: { ca, rejectUnauthorized: true },
        },
        tls: '{{resolve:secretsmanager:prod/db:SecretString:tls}}',
      },
    };
    const resolved = await resolveConnection(connection, manager);
    expect(resolved).toEqual({
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'X-Api-Key', value: 'ak-live-1234' },
      ],
      database: {
        url: 'postgres://app:db-pass-3456@db:5432/app',
        options: { port: '5432', ssl: { ca, rejectUnauthorized: true } },
        tls: '{"ca":"CA-PEM"}',
      },
    });
    expect(resolved.database.options.ssl.ca).toBe(ca);
    expect(provider.apiCalls()).toBe(1);
  });

  it('resolves a root string and returns values without strings as they are', async () => {
    const { manager } = setup();
    await expect(
      resolveConnection('{{resolve:secretsmanager:prod/api:SecretString:key}}', manager),
    ).resolves.toBe('ak-live-1234');
    await expect(resolveConnection(7, manager)).resolves.toBe(7);
    await expect(resolveConnection(null, manager)).resolves.toBeNull();
  });

  it('leaves template text alone and returns a new object even without references', async () => {
    const fake = createFakeManager({});
    const connection = { body: 'Hi {{trigger.name}}', list: [{ a: 1 }] };
    const resolved = await resolveConnection(connection, fake);
    expect(resolved).toEqual(connection);
    expect(resolved).not.toBe(connection);
    expect(resolved.list[0]).not.toBe(connection.list[0]);
    expect(fake.calls).toEqual([]);
  });

  it('does not resolve again a secret value that looks like a reference', async () => {
    const fake = createFakeManager({ a: '{{resolve:secretsmanager:b}}', b: 'never' });
    const resolved = await resolveConnection(
      { x: '{{resolve:secretsmanager:a}}', y: 'pre {{resolve:secretsmanager:a}}' },
      fake,
    );
    expect(resolved).toEqual({ x: '{{resolve:secretsmanager:b}}', y: 'pre {{resolve:secretsmanager:b}}' });
    expect(fake.calls).toEqual([[{ secretId: 'a' }]]);
  });

  it('throws one SecretResolutionError listing every failing reference', async () => {
    // Prepare
    const { manager } = setup();
    const connection = {
      props: {
        apiKey: '{{conn1|ap_sep_v1|prod/api:key}}',
        password: '{{resolve:secretsmanager:prod/missing:SecretString:password}}',
        token: '{{conn1|ap_sep_v1|prod/api:token}}',
        plain: '{{resolve:secretsmanager:prod/plain:SecretString:password}}',
        broken: 'x-{{resolve:secretsmanager:}}',
        other: '{{conn9|ap_sep_v1|prod/api:key}}',
      },
    };
    // Act
    const error = await rejection(resolveConnection(connection, { conn1: manager }));
    // Assess
    expect(error).toBeInstanceOf(SecretResolutionError);
    const issues = (error as SecretResolutionError).issues;
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      [['props', 'password'], 'secret_not_found'],
      [['props', 'token'], 'json_key_not_found'],
      [['props', 'plain'], 'not_json'],
      [['props', 'broken'], 'invalid_reference'],
      [['props', 'other'], 'unknown_manager'],
    ]);
    expect(issues[3]?.ref).toBe('{{resolve:secretsmanager:}}');
    expect((error as Error).message).toMatchInlineSnapshot(`
      "5 secret references could not be resolved:
      ✖ {{resolve:secretsmanager:prod/missing:SecretString:password}}: Secret "prod/missing" was not found
        → at props.password
      ✖ {{conn1|ap_sep_v1|prod/api:token}}: JSON key "token" was not found in secret "prod/api"
        → at props.token
      ✖ {{resolve:secretsmanager:prod/plain:SecretString:password}}: Secret "prod/plain" is not valid JSON, so JSON key "password" cannot be read from it
        → at props.plain
      ✖ {{resolve:secretsmanager:}}: Invalid secret reference at offset 25: empty secret id
        → at props.broken
      ✖ {{conn9|ap_sep_v1|prod/api:key}}: no manager with id "conn9" was given (managers: "conn1")
        → at props.other"
    `);
    expectNoCanary(error);
  });

  it('never shows a secret value when a key is missing from a secret that holds the canary', async () => {
    const { manager } = setup();
    const connection = {
      a: '{{resolve:secretsmanager:prod/canary:SecretString:missing}}',
      b: '{{resolve:secretsmanager:prod/canary:SecretString:password.deeper}}',
      c: '{{resolve:secretsmanager:prod/plain:SecretString:x}}',
    };
    const error = await rejection(resolveConnection(connection, manager));
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as SecretResolutionError).issues).toHaveLength(3);
    expectNoCanary(error);
  });

  it('refuses a cyclic connection with invalid_input before fetching anything', async () => {
    const fake = createFakeManager({ x: 'v' });
    const connection: Record<string, unknown> = { a: '{{resolve:secretsmanager:x}}' };
    connection.self = connection;
    const error = await rejection(resolveConnection(connection, fake));
    expect(error).toBeInstanceOf(SecretRefError);
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(fake.calls).toEqual([]);
  });

  it('copies a JSON-parsed `__proto__` key holding a reference without polluting prototypes', async () => {
    const fake = createFakeManager({ x: 'resolved' });
    const connection = JSON.parse('{"__proto__": {"polluted": "{{resolve:secretsmanager:x}}"}}') as object;
    const resolved = (await resolveConnection(connection, fake)) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toEqual({ polluted: 'resolved' });
  });

  it('validates options at once, naming the option', async () => {
    const { manager } = setup();
    const cases: [unknown, string][] = [
      [{ signal: {} }, 'signal'],
      [{ maxDepth: 0 }, 'maxDepth'],
      [{ defaultManager: 3 }, 'defaultManager'],
    ];
    for (const [options, option] of cases) {
      const error = await rejection(resolveConnection({}, manager, options as never));
      expect(error).toBeInstanceOf(SecretRefConfigError);
      expect(error).toMatchObject({ option });
    }
    const bad = await rejection(resolveConnection({}, 'nope' as unknown as SecretManager));
    expect(bad).toMatchObject({ option: 'managers' });
  });
});

describe('resolveConnectionSettled', () => {
  it('returns the copy with failing references in place, every issue, what resolved and a masker', async () => {
    // Prepare
    const { manager } = setup();
    const connection = {
      props: {
        apiKey: '{{conn1|ap_sep_v1|prod/api:key}}',
        url: 'https://x:{{conn1|ap_sep_v1|prod/api:key}}@h/{{conn1|ap_sep_v1|prod/missing:key}}',
      },
    };
    // Act
    const { value, issues, resolved, masker } = await resolveConnectionSettled(connection, {
      conn1: manager,
    });
    // Assess
    expect(value).toEqual({
      props: { apiKey: 'ak-live-1234', url: 'https://x:ak-live-1234@h/{{conn1|ap_sep_v1|prod/missing:key}}' },
    });
    expect(issues).toEqual<SecretResolutionIssue[]>([
      {
        path: ['props', 'url'],
        ref: '{{conn1|ap_sep_v1|prod/missing:key}}',
        code: 'secret_not_found',
        message: '{{conn1|ap_sep_v1|prod/missing:key}}: Secret "prod/missing" was not found',
      },
    ]);
    expect(resolved).toEqual([
      { path: ['props', 'apiKey'], ref: '{{conn1|ap_sep_v1|prod/api:key}}' },
      { path: ['props', 'url'], ref: '{{conn1|ap_sep_v1|prod/api:key}}' },
    ]);
    expect(masker.mask(JSON.stringify(value))).not.toContain('ak-live-1234');
    expect(masker.size).toBe(1);
  });

  it('keeps secret values out of issues and the result it can show', async () => {
    const { manager } = setup();
    const { issues, resolved, masker } = await resolveConnectionSettled(
      {
        ok: '{{resolve:secretsmanager:prod/canary:SecretString:password}}',
        bad: '{{resolve:secretsmanager:prod/plain:SecretString:k}}',
      },
      manager,
    );
    expect(issues).toHaveLength(1);
    expectNoCanary(issues);
    expectNoCanary(resolved);
    expectNoCanary(masker);
    expect(masker.mask(`value=${CANARY}`)).toBe('value=****');
  });

  it('returns no issues when everything resolves', async () => {
    const { manager } = setup();
    const settled = await resolveConnectionSettled(
      { k: '{{resolve:secretsmanager:prod/api:SecretString:key}}' },
      manager,
    );
    expect(settled.issues).toEqual([]);
    expect(settled.value).toEqual({ k: 'ak-live-1234' });
  });
});
