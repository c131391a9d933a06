import { afterEach, describe, expect, it } from 'vitest';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { withConnection } from '../../src/rotation/with-connection.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const endpoint = useLocalEndpoint({
  secrets: [
    { name: 'prod/db', secretString: JSON.stringify({ username: 'app' }) },
    { name: '/db/password', secretString: 'secret-of-the-same-name' },
  ],
  parameters: [
    { name: '/db/password', type: 'SecureString', value: 'pw-1' },
    { name: '/db/host', value: 'db1.internal' },
    { name: '/db/host', value: 'db2.internal', labels: ['live'] },
  ],
});

const connection = {
  host: '{{resolve:ssm:/db/host}}',
  user: '{{resolve:secretsmanager:prod/db:SecretString:username}}',
  password: '{{resolve:ssm-secure:/db/password}}',
};

const parameterCalls = () => endpoint().requests.filter((request) => request.service === 'ssm');

function manager(): SecretManager {
  const sm = endpoint();
  return createAwsSecretsManager({
    region: sm.region,
    endpoint: sm.endpoint,
    ssmEndpoint: sm.endpoint,
    ...sm.credentials,
    maxAttempts: 1,
  });
}

class LoginError extends Error {
  readonly code = '28P01';
}

/** A `use` that logs in when the password is the server's, else fails as pg does. */
function loginAgainst(server: { password: string }) {
  const seen: string[] = [];
  const use = async (resolved: typeof connection) => {
    seen.push(resolved.password);
    if (resolved.password !== server.password) throw new LoginError('password authentication failed');
    return `connected to ${resolved.host} as ${resolved.user}`;
  };
  return { use, seen };
}

afterEach(() => {
  endpoint().putParameter({ name: '/db/password', value: 'pw-1' });
  endpoint().putParameter({ name: '/db/host', value: 'db2.internal', labels: ['live'] });
});

describe('withConnection with Parameter Store references', () => {
  it('after a parameter changed: one re-read past the caches, one retry with the new value', async () => {
    const sm = manager();
    expect(await resolveConnection(connection, sm)).toMatchObject({ password: 'pw-1' });
    endpoint().putParameter({ name: '/db/password', value: 'pw-2' });
    endpoint().resetRequests();
    const { use, seen } = loginAgainst({ password: 'pw-2' });

    await expect(withConnection(connection, sm, use)).resolves.toBe('connected to db2.internal as app');

    expect(seen).toEqual(['pw-1', 'pw-2']);
    expect(
      parameterCalls()
        .flatMap((request) => request.secretIds)
        .sort(),
    ).toEqual(['/db/host', '/db/password']);
  });

  it('a secret of the same name re-read a moment ago does not hold back the parameter’s re-read', async () => {
    const sm = manager();
    const secretConnection = { password: '{{resolve:secretsmanager:/db/password}}' };
    const failing = async () => {
      throw new LoginError('password authentication failed');
    };
    await expect(withConnection(secretConnection, sm, failing)).rejects.toBeInstanceOf(LoginError);

    const parameterConnection = { password: '{{resolve:ssm-secure:/db/password}}' };
    expect(await resolveConnection(parameterConnection, sm)).toEqual({ password: 'pw-1' });
    endpoint().putParameter({ name: '/db/password', value: 'pw-2' });
    const seen: string[] = [];
    const use = async (resolved: { password: string }) => {
      seen.push(resolved.password);
      if (resolved.password !== 'pw-2') throw new LoginError('password authentication failed');
      return 'connected';
    };
    await expect(withConnection(parameterConnection, sm, use)).resolves.toBe('connected');
    expect(seen).toEqual(['pw-1', 'pw-2']);
  });
});

describe('compileConnection with Parameter Store references', () => {
  it('lists them with their service, and resolves as resolveConnection does, in one call per decryption mode', async () => {
    const compiled = compileConnection(connection);
    expect(compiled.refs.map((found) => found.ref?.service)).toEqual(['ssm', undefined, 'ssm-secure']);
    const sm = manager();
    endpoint().resetRequests();
    const resolved = await compiled.resolve(sm);
    expect(resolved).toEqual({ host: 'db2.internal', user: 'app', password: 'pw-1' });
    expect(parameterCalls().map((request) => request.secretIds)).toEqual(
      expect.arrayContaining([['/db/host'], ['/db/password']]),
    );
    expect(parameterCalls()).toHaveLength(2);
    expect(resolved).toEqual(await resolveConnection(connection, manager()));
  });

  it('reads the new version after invalidate, and a pinned label follows its label', async () => {
    const compiled = compileConnection({ ...connection, previous: '{{resolve:ssm:/db/host:1}}' });
    const pinnedByLabel = compileConnection({ host: '{{resolve:ssm:/db/host:live}}' });
    const sm = manager();
    expect(await compiled.resolve(sm)).toMatchObject({ host: 'db2.internal', previous: 'db1.internal' });
    expect(await pinnedByLabel.resolve(sm)).toEqual({ host: 'db2.internal' });

    endpoint().putParameter({ name: '/db/host', value: 'db3.internal', labels: ['live'] });
    endpoint().putParameter({ name: '/db/password', value: 'pw-2' });
    // Cached until invalidated.
    expect(await compiled.resolve(sm)).toMatchObject({ host: 'db2.internal', password: 'pw-1' });
    sm.invalidate('{{resolve:ssm:/db/host}}');
    sm.invalidate('/db/password');
    expect(await compiled.resolve(sm)).toEqual({
      host: 'db3.internal',
      user: 'app',
      password: 'pw-2',
      previous: 'db1.internal',
    });
    expect(await pinnedByLabel.resolve(sm)).toEqual({ host: 'db3.internal' });
  });
});
