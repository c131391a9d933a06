import { describe, expect, it } from 'vitest';
import { SecretFetchError, SecretRefConfigError, SecretResolutionError } from '../../src/errors.js';
import type { SecretManager, SecretResult } from '../../src/manager/types.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import type { SecretRef } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

describe('routing references to managers', () => {
  it('lets a single manager serve every reference, whatever manager id it names', async () => {
    const fake = createFakeManager({ 'a/k': 'A', b: 'B', 'c/k': 'C' });
    const resolved = await resolveConnection(
      {
        one: '{{conn1|ap_sep_v1|a:k}}',
        two: '{{resolve:secretsmanager:b}}',
        three: '{{other|ap_sep_v1|c:k}}',
      },
      fake,
    );
    expect(resolved).toEqual({ one: 'A', two: 'B', three: 'C' });
    expect(fake.calls).toHaveLength(1);
  });

  it('routes by connection id, asking each manager once and all of them concurrently', async () => {
    // Prepare
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated = (name: string, values: Record<string, string>): SecretManager => {
      const fake = createFakeManager(values, name);
      return {
        ...fake,
        async getSecrets(refs, options) {
          started.push(name);
          await gate;
          return fake.getSecrets(refs, options);
        },
      };
    };
    const managers = { conn1: gated('conn1', { 'x/k': 'one' }), conn2: gated('conn2', { 'x/k': 'two' }) };
    // Act
    const pending = resolveConnection(
      { a: '{{conn1|ap_sep_v1|x:k}}', b: '{{conn2|ap_sep_v1|x:k}}', c: ['{{conn1|ap_sep_v1|x:k}}'] },
      managers,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    const startedBeforeRelease = [...started];
    release();
    // Assess
    await expect(pending).resolves.toEqual({ a: 'one', b: 'two', c: ['one'] });
    expect(startedBeforeRelease.sort()).toEqual(['conn1', 'conn2']);
    expect(started).toHaveLength(2);
  });

  it('passes each distinct reference once per manager', async () => {
    const fake = createFakeManager({ 'db/user': 'u', 'db/password': 'p' });
    await resolveConnection(
      {
        user: '{{resolve:secretsmanager:db:SecretString:user}}',
        password: '{{resolve:secretsmanager:db:SecretString:password}}',
        url: 'x://{{resolve:secretsmanager:db:SecretString:user}}:{{resolve:secretsmanager:db:SecretString:password}}@h',
      },
      fake,
    );
    expect(fake.calls).toEqual([
      [
        { secretId: 'db', jsonKey: 'user' },
        { secretId: 'db', jsonKey: 'password' },
      ],
    ]);
  });

  it('reports an unknown connection id as unknown_manager, without asking any manager for it', async () => {
    const conn1 = createFakeManager({ 'x/k': 'one' });
    const error = await resolveConnection(
      { a: '{{conn1|ap_sep_v1|x:k}}', b: '{{conn7|ap_sep_v1|x:k}}', c: '{{toString|ap_sep_v1|x:k}}' },
      { conn1 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as SecretResolutionError).issues).toEqual([
      {
        path: ['b'],
        ref: '{{conn7|ap_sep_v1|x:k}}',
        code: 'unknown_manager',
        message: '{{conn7|ap_sep_v1|x:k}}: no manager with id "conn7" was given (managers: "conn1")',
      },
      {
        path: ['c'],
        ref: '{{toString|ap_sep_v1|x:k}}',
        code: 'unknown_manager',
        message: '{{toString|ap_sep_v1|x:k}}: no manager with id "toString" was given (managers: "conn1")',
      },
    ]);
    expect(conn1.calls).toEqual([[{ manager: 'conn1', secretId: 'x', jsonKey: 'k' }]]);
  });

  it('sends references naming no manager to `defaultManager`, else to the only entry, else reports them', async () => {
    const conn1 = createFakeManager({ x: 'from-1' }, 'conn1');
    const conn2 = createFakeManager({ x: 'from-2' }, 'conn2');
    const connection = { a: '{{resolve:secretsmanager:x}}' };

    await expect(
      resolveConnection(connection, { conn1, conn2 }, { defaultManager: 'conn2' }),
    ).resolves.toEqual({
      a: 'from-2',
    });
    await expect(resolveConnection(connection, { conn1 })).resolves.toEqual({ a: 'from-1' });
    const { issues } = await resolveConnectionSettled(connection, { conn1, conn2 });
    expect(issues).toEqual([
      {
        path: ['a'],
        ref: '{{resolve:secretsmanager:x}}',
        code: 'unknown_manager',
        message:
          '{{resolve:secretsmanager:x}}: it names no manager and no `defaultManager` was given (managers: "conn1", "conn2")',
      },
    ]);
    const empty = await resolveConnectionSettled(connection, {});
    expect(empty.issues[0]?.message).toBe(
      '{{resolve:secretsmanager:x}}: it names no manager and `managers` is empty',
    );
  });

  it('rejects a `defaultManager` that is not a key and an entry that is not a manager', async () => {
    const conn1 = createFakeManager({});
    const unknown = await resolveConnection({}, { conn1 }, { defaultManager: 'conn2' }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(SecretRefConfigError);
    expect((unknown as Error).message).toBe('`defaultManager` "conn2" is not a key of `managers` ("conn1")');
    const notManager = await resolveConnection({}, { conn1, conn2: {} as SecretManager }).catch(
      (e: unknown) => e,
    );
    expect(notManager).toBeInstanceOf(SecretRefConfigError);
    expect(notManager).toMatchObject({ option: 'managers' });
  });
});

describe('a manager that breaks its contract', () => {
  const base = createFakeManager({});

  it('turns a rejected getSecrets into an issue for each of its references, with the error code', async () => {
    const failing: SecretManager = {
      ...base,
      getSecrets: async () => {
        throw new SecretFetchError('access_denied', 'Access to the secrets was denied');
      },
    };
    const ok = createFakeManager({ 'y/k': 'fine' });
    const settled = await resolveConnectionSettled(
      { a: '{{bad|ap_sep_v1|x:k}}', b: '{{bad|ap_sep_v1|z:k}}', c: '{{ok|ap_sep_v1|y:k}}' },
      { bad: failing, ok },
    );
    expect(settled.value).toEqual({ a: '{{bad|ap_sep_v1|x:k}}', b: '{{bad|ap_sep_v1|z:k}}', c: 'fine' });
    expect(settled.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [['a'], 'access_denied', '{{bad|ap_sep_v1|x:k}}: Access to the secrets was denied'],
      [['b'], 'access_denied', '{{bad|ap_sep_v1|z:k}}: Access to the secrets was denied'],
    ]);
  });

  it('does not pass on the message of a foreign error, which could hold anything', async () => {
    const leaky: SecretManager = {
      ...base,
      getSecrets: async () => {
        throw new Error(`cannot parse ${CANARY}`);
      },
    };
    const error = await resolveConnection({ a: '{{resolve:secretsmanager:x}}' }, leaky).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as SecretResolutionError).issues[0]).toMatchObject({
      code: 'provider_error',
      message: '{{resolve:secretsmanager:x}}: the secret manager failed unexpectedly',
    });
    expectNoCanary(error);
  });

  it('reports missing, malformed and non-string results as provider_error', async () => {
    const odd: SecretManager = {
      ...base,
      getSecrets: async (refs: readonly SecretRef[]) =>
        [
          { ok: true, value: 42 },
          { ok: false, error: new Error(CANARY) },
        ].slice(0, refs.length) as unknown as SecretResult[],
    };
    const { issues } = await resolveConnectionSettled(
      {
        a: '{{resolve:secretsmanager:a}}',
        b: '{{resolve:secretsmanager:b}}',
        c: '{{resolve:secretsmanager:c}}',
      },
      odd,
    );
    expect(issues.map((issue) => [issue.code, issue.message])).toEqual([
      [
        'provider_error',
        '{{resolve:secretsmanager:a}}: the secret manager returned a value that is not a string',
      ],
      ['provider_error', '{{resolve:secretsmanager:b}}: the secret manager failed unexpectedly'],
      ['provider_error', '{{resolve:secretsmanager:c}}: the secret manager returned no result for it'],
    ]);
    expectNoCanary(issues);
  });
});
