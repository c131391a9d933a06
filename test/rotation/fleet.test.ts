import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryProvider, createSecretManager } from '../../src/index.js';
import { withConnection } from '../../src/rotation/with-connection.js';
import { makeCache, type TestCache, until, useRedisServer } from '../redis/helpers.js';

const redis = useRedisServer();

const connection = { user: 'app', password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' };

class LoginError extends Error {
  readonly code = '28P01';
}

describe('withConnection with the shared Redis tier', () => {
  const open: TestCache[] = [];
  afterAll(async () => {
    await Promise.all(open.map((made) => made.close()));
  });

  it("one process's re-read after a rotation reaches the others: they log in with the new password at once", async () => {
    const server = { password: 'v1' };
    const use = async (resolved: typeof connection) => {
      if (resolved.password !== server.password) throw new LoginError('password authentication failed');
      return 'ok';
    };
    // One backend (AWS) for two processes, each with its own in-process cache over the same Redis namespace.
    const aws = createMemoryProvider({ 'prod/db': '{"password":"v1"}' }, { identity: 'fleet' });
    const [a, b] = [await makeCache('node-redis', redis().url), await makeCache('node-redis', redis().url)];
    open.push(a, b);
    const processA = createSecretManager(aws, { cache: a.cache });
    const processB = createSecretManager(aws, { cache: b.cache });
    expect(await withConnection(connection, processA, use)).toBe('ok');
    expect(await withConnection(connection, processB, use)).toBe('ok');

    aws.setSecret('prod/db', '{"password":"v2"}');
    server.password = 'v2';
    const attemptsA: number[] = [];
    await withConnection(connection, processA, (resolved, { attempt }) => {
      attemptsA.push(attempt);
      return use(resolved);
    });
    expect(attemptsA).toEqual([1, 2]);

    // B is told over the bus to drop its copy; its next login uses v2 with no failed attempt and no re-read.
    await until(async () => (await processB.getSecret('prod/db:password')) === 'v2');
    const attemptsB: number[] = [];
    await withConnection(connection, processB, (resolved, { attempt }) => {
      attemptsB.push(attempt);
      return use(resolved);
    });
    expect(attemptsB).toEqual([1]);
  });
});
