import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { clearCache } from '../../src/cli/commands/cache.js';
import { type Member, startMember } from '../redis/fleet.js';
import { KEY_A, KEY_B, rawClient, useRedisServer } from '../redis/helpers.js';
import { CANARY } from '../support/canary.js';
import { exitWithin, spawnCli } from '../support/cli-spawn.js';
import { freePort } from '../support/free-port.js';
import { makeIo } from './helpers.js';

const redis = useRedisServer();
const NAMESPACE = 'cli-clear';
const secrets = { 'prod/db': 'db-v1', 'prod/api': 'api-v1' };

let member: Member;
beforeAll(async () => {
  member = await startMember({
    url: redis().url,
    flavour: 'node-redis',
    namespace: NAMESPACE,
    secrets,
    encryptionKey: KEY_A,
  });
});
afterAll(async () => {
  await member?.exit();
});

interface Read {
  values: string[];
  fetched: number;
}
const read = (ids: string[]) => member.ask<Read>({ op: 'read', ids });

/** Reads until the member sees `expected` (the invalidation travels over pub/sub); fails after 5 s. */
async function readUntil(ids: string[], expected: string[]): Promise<Read> {
  const end = Date.now() + 5_000;
  for (;;) {
    const result = await read(ids);
    if (JSON.stringify(result.values) === JSON.stringify(expected) || Date.now() > end) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function cli(args: string[], env: Record<string, string> = { SECRET_REFS_CACHE_KEY: KEY_A }) {
  const io = makeIo({ env });
  return { run: () => runCli(['cache', ...args], io.io), ...io };
}

describe('secret-refs cache clear, against a real redis-server and a worker process', () => {
  it('clears one secret: the worker holding it fetches it again, the other secret stays cached', async () => {
    const before = await read(['prod/db', 'prod/api']);
    expect(before.values).toEqual(['db-v1', 'api-v1']);
    await member.ask({ op: 'set', id: 'prod/db', value: 'db-v2' });
    await member.ask({ op: 'set', id: 'prod/api', value: 'api-v2' });
    expect((await read(['prod/db', 'prod/api'])).values).toEqual(['db-v1', 'api-v1']);

    // Any reference form names the secret: the whole secret is cleared, whatever JSON key it picks.
    const { run, out, err } = cli([
      'clear',
      '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      '--redis-url',
      redis().url,
      '--namespace',
      NAMESPACE,
    ]);
    expect(await run()).toBe(0);
    expect(err()).toBe('');
    expect(out()).toBe(
      `cleared prod/db in namespace ${NAMESPACE}: 1 entry removed from Redis (every id form and scope), 1 listening process told\n`,
    );
    const after = await readUntil(['prod/db', 'prod/api'], ['db-v2', 'api-v1']);
    expect(after.values).toEqual(['db-v2', 'api-v1']);
    expect(after.fetched).toBe(before.fetched + 1);
  });

  it('with no secret id clears the whole namespace; the URL may come from SECRET_REFS_REDIS_URL', async () => {
    await member.ask({ op: 'set', id: 'prod/db', value: 'db-v3' });
    const { run, out } = cli(['clear', '--namespace', NAMESPACE], {
      SECRET_REFS_CACHE_KEY: `${KEY_B}, ${KEY_A}`,
      SECRET_REFS_REDIS_URL: redis().url,
    });
    expect(await run()).toBe(0);
    expect(out()).toBe(
      `cleared namespace ${NAMESPACE}: every entry made unreadable in Redis, 1 listening process told\n`,
    );
    expect((await readUntil(['prod/db', 'prod/api'], ['db-v3', 'api-v2'])).values).toEqual([
      'db-v3',
      'api-v2',
    ]);
  });

  it('a namespace no process reads is left alone and is exit 1: a misspelt --namespace does not pass for success', async () => {
    await member.ask({ op: 'set', id: 'prod/db', value: 'db-v4' });
    const { run, out, err } = cli([
      'clear',
      'prod/db',
      '--redis-url',
      redis().url,
      '--namespace',
      'elsewhere',
    ]);
    expect(await run()).toBe(1);
    expect(out()).toBe(
      'cleared prod/db in namespace elsewhere: 0 entries removed from Redis (every id form and scope), 0 listening processes told\n',
    );
    expect(err()).toBe(
      "secret-refs: no process has read namespace elsewhere since Redis was last emptied: check --namespace (the workers' namespace), or start a worker first\n",
    );
    // A wrong invalidation would arrive over pub/sub within milliseconds; give it time to (not) arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await read(['prod/db'])).values).toEqual(['db-v3']);
  });

  it('a key no worker uses is exit 1, saying the workers keep their copies', async () => {
    const { run, err } = cli(['clear', 'prod/db', '--redis-url', redis().url, '--namespace', NAMESPACE], {
      SECRET_REFS_CACHE_KEY: KEY_B,
    });
    expect(await run()).toBe(1);
    expect(err()).toBe(
      `secret-refs: no process reading namespace ${NAMESPACE} uses this SECRET_REFS_CACHE_KEY: they ignore the clear and keep serving their copies (use the workers' key)\n`,
    );
    expect(err()).not.toContain(KEY_B);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await read(['prod/db'])).values).toEqual(['db-v3']);
  });

  it('exits by itself as a process once it has printed, every run', { timeout: 90_000 }, async () => {
    await read(['prod/api']);
    const env = { SECRET_REFS_CACHE_KEY: KEY_A, SECRET_REFS_REDIS_URL: redis().url };
    const once = async (): Promise<number | null> => {
      const cli = spawnCli(['cache', 'clear', 'prod/api', '--namespace', NAMESPACE], {
        env,
        stdin: 'ignore',
      });
      // Starting the CLI under tsx takes seconds on a busy machine; what must be short is the time after printing.
      while (!cli.stdout().includes('cleared') && cli.child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return (await exitWithin(cli, 3_000)).code;
    };
    const runs = await Promise.all([once(), once(), once()]);
    expect(runs).toEqual([0, 0, 0]);
  });

  it('Redis that cannot be reached is exit 1 (network), naming host and port but never the password', async () => {
    const port = await freePort();
    const { run, out, err } = cli([
      'clear',
      'prod/db',
      '--redis-url',
      `redis://app:${CANARY}@127.0.0.1:${port}`,
    ]);
    expect(await run()).toBe(1);
    expect(out()).toBe('');
    expect(err()).toBe(`secret-refs: network: cannot connect to Redis at 127.0.0.1:${port} (ECONNREFUSED)\n`);
  });

  it('Redis that does not answer is exit 1 (timeout) within --timeout', async () => {
    redis().pause();
    try {
      const { run, err } = cli(['clear', 'prod/db', '--redis-url', redis().url, '--timeout', '200']);
      expect(await run()).toBe(1);
      expect(err()).toMatch(/^secret-refs: timeout: Redis at 127\.0\.0\.1:\d+ did not /);
    } finally {
      redis().resume();
    }
  });

  it('a wrong password is exit 1 naming the Redis error code, not the password', async () => {
    const raw = await rawClient(redis().url);
    await raw.command(['ACL', 'SETUSER', 'operator', 'on', '>right-password', '~*', '&*', '+@all']);
    await raw.close();
    const url = new URL(redis().url);
    url.username = 'operator';
    url.password = CANARY;
    const { run, err } = cli(['clear', 'prod/db', '--redis-url', url.href]);
    expect(await run()).toBe(1);
    expect(err()).toMatch(
      /^secret-refs: network: Redis at 127\.0\.0\.1:\d+ refused the connection \([A-Z]+\)\n$/,
    );
    expect(err()).not.toContain(CANARY);
  });
});

describe('secret-refs cache: bad usage is exit 2 and never echoes the key or the URL', () => {
  const url = `redis://user:${CANARY}@127.0.0.1:1`;
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['no key', ['clear', 'x', '--redis-url', url], {}, /SECRET_REFS_CACHE_KEY is not set/],
    [
      'a bad key',
      ['clear', 'x', '--redis-url', url],
      { SECRET_REFS_CACHE_KEY: CANARY },
      /SECRET_REFS_CACHE_KEY must hold 32 bytes as base64/,
    ],
    [
      'a bad URL',
      ['clear', 'x', '--redis-url', `http://user:${CANARY}@host`],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /option --redis-url must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [
      'no URL',
      ['clear', 'x'],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /cache clear needs --redis-url <url> \(or SECRET_REFS_REDIS_URL\)/,
    ],
    [
      'a bad namespace',
      ['clear', '--redis-url', url, '--namespace', 'a b'],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /option --namespace must be/,
    ],
    [
      'a malformed secret id',
      ['clear', '{{resolve:secretsmanager:}}', '--redis-url', url],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /invalid secret id: /,
    ],
    [
      'an unknown action',
      ['drop', 'x'],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /unknown cache action "drop": use clear/,
    ],
    [
      'a --timeout above 10 s',
      ['clear', '--redis-url', url, '--timeout', '20000'],
      { SECRET_REFS_CACHE_KEY: KEY_A },
      /option --timeout must be at most 10000/,
    ],
  ];
  for (const [name, args, env, message] of cases) {
    it(name, async () => {
      const { io, out, err } = makeIo({ env });
      expect(await runCli(['cache', ...args], io)).toBe(2);
      expect(out()).toBe('');
      expect(err()).toMatch(message);
      expect(err()).not.toContain(CANARY);
      expect(err()).not.toContain(KEY_A);
    });
  }

  it('says how to install node-redis when it is missing', async () => {
    const { io, err } = makeIo({ env: { SECRET_REFS_CACHE_KEY: KEY_A } });
    const context = {
      io,
      values: { 'redis-url': 'redis://127.0.0.1:1' },
      args: ['clear'],
      getManager: () => Promise.reject(new Error('no manager')),
      explain: (problem: { message: string }) => problem.message,
      progress: { start() {}, stop() {} },
    };
    const missing = () =>
      Promise.reject(Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expect(clearCache(context, missing)).rejects.toThrow(
      'cache clear needs the node-redis package: npm install redis (version 5 or later)',
    );
    expect(err()).toBe('');
  });

  it('is listed in the help', async () => {
    const { io, out } = makeIo();
    expect(await runCli(['cache', '--help'], io)).toBe(0);
    expect(out()).toContain('Usage: secret-refs cache clear [<secret-id>] [options]');
    expect(out()).toContain('--redis-url <url>');
    expect(out()).toContain('SECRET_REFS_CACHE_KEY');
    expect(out()).toContain('--timeout <ms>');
    for (const aws of ['--region', '--profile', '--endpoint', '--max-attempts'])
      expect(out()).not.toContain(aws);
  });

  it('refuses the AWS options, which it has no use for, as bad usage', async () => {
    for (const option of ['--region', '--profile', '--endpoint', '--max-attempts']) {
      const { io, err } = makeIo({ env: { SECRET_REFS_CACHE_KEY: KEY_A } });
      expect(await runCli(['cache', 'clear', 'x', option, '1'], io)).toBe(2);
      expect(err()).toBe(`secret-refs: cache has no option ${option} (see secret-refs cache --help)\n`);
    }
  });
});
