import { describe, expect, it } from 'vitest';
import { createSecretCache } from '../../src/cache/create-secret-cache.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider, type MemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { createFakeManager } from './fake-manager.js';

const V1 = '{"username":"user-v1","password":"pass-v1"}';
const V2 = '{"username":"user-v2","password":"pass-v2"}';

async function arnOf(provider: MemoryProvider, name: string): Promise<string> {
  for await (const secret of provider.listSecrets()) if (secret.name === name) return secret.arn!;
  throw new Error(`no secret ${name}`);
}

/** A connection whose username is read by manager `a` by name and whose password by manager `b` by ARN. */
function splitConnection(arn: string) {
  return {
    user: '{{a|ap_sep_v1|db:username}}',
    pass: `{{b|ap_sep_v1|${arn}:password}}`,
  };
}

/**
 * One provider and two managers of it (over one cache, or a cache each): `a` has read the name at v1, then the secret
 * rotated to v2.
 */
async function rotatedAfterRead(sharing: 'one cache' | 'a cache each') {
  const provider = createMemoryProvider({ db: V1 });
  const cache = sharing === 'one cache' ? createSecretCache() : undefined;
  const a = createSecretManager(provider, cache ? { cache } : {});
  const b = createSecretManager(provider, cache ? { cache } : {});
  const arn = await arnOf(provider, 'db');
  await a.getSecret('db:username');
  provider.setSecret('db', V2);
  return { provider, a, b, arn };
}

describe('one secret, one version across the managers of one resolve', () => {
  it('two managers sharing a cache never pair an old username with a new password', async () => {
    // Prepare: one provider, one cache, two managers; `a` caches the name at v1, then the secret rotates
    const { a, b, arn } = await rotatedAfterRead('one cache');

    // Act: `a` answers the name from its cache (v1), `b` fetches the ARN (v2)
    const resolved = await resolveConnection(splitConnection(arn), { a, b });

    // Assess
    expect(resolved).toEqual({ user: 'user-v2', pass: 'pass-v2' });
  });

  it('a reference read by the default manager and one read by a named manager get one version', async () => {
    const { a, b, arn } = await rotatedAfterRead('one cache');

    const resolved = await resolveConnection(
      {
        user: '{{resolve:secretsmanager:db:SecretString:username}}',
        pass: `{{b|ap_sep_v1|${arn}:password}}`,
      },
      { a, b },
      { defaultManager: 'a' },
    );

    expect(resolved).toEqual({ user: 'user-v2', pass: 'pass-v2' });
  });

  it('two managers with caches of their own give the most recently fetched version of one secret', async () => {
    // Prepare: one provider (one identity), a cache per manager
    const { a, b, arn } = await rotatedAfterRead('a cache each');

    // Act
    const resolved = await resolveConnection(splitConnection(arn), { a, b });

    // Assess
    expect(resolved).toEqual({ user: 'user-v2', pass: 'pass-v2' });
  });

  it('a warm resolve across managers gives the newer version everywhere, without a fetch, every time', async () => {
    // Prepare: `a` holds the name at v1 and `b` the ARN at v2, both fresh
    const { provider, a, b, arn } = await rotatedAfterRead('one cache');
    await b.getSecret(`${arn}:password`);
    const calls = provider.apiCalls();
    const connection = {
      ...splitConnection(arn),
      again: '{{a|ap_sep_v1|db:password}}',
      other: `{{b|ap_sep_v1|${arn}:username}}`,
    };

    // Act: the same connection resolved twice, all of it from the caches
    const first = await resolveConnection(connection, { a, b });
    const second = await resolveConnection(connection, { a, b });

    // Assess
    const expected = { user: 'user-v2', pass: 'pass-v2', again: 'pass-v2', other: 'user-v2' };
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    expect(provider.apiCalls()).toBe(calls);
  });

  it('managers of two providers keep their own values, even when their secrets have one ARN', async () => {
    // Prepare: two memory providers hold a secret of one name (so one ARN) with other values, in one cache;
    // `b`'s is fetched last
    const staging = createMemoryProvider({ db: V1 });
    const prod = createMemoryProvider({ db: V2 });
    const cache = createSecretCache();
    const a = createSecretManager(staging, { cache });
    const b = createSecretManager(prod, { cache });
    const arn = await arnOf(staging, 'db');
    expect(await arnOf(prod, 'db')).toBe(arn);
    await a.getSecret('db:username');

    // Act
    const resolved = await resolveConnection(splitConnection(arn), { a, b });

    // Assess: each manager's own secret
    expect(resolved).toEqual({ user: 'user-v1', pass: 'pass-v2' });
  });

  it('a pinned stage read by another manager keeps its own version', async () => {
    const provider = createMemoryProvider({
      db: {
        versions: [
          { value: V1, stages: ['AWSPREVIOUS'] },
          { value: V2, stages: ['AWSCURRENT'] },
        ],
      },
    });
    const cache = createSecretCache();
    const a = createSecretManager(provider, { cache });
    const b = createSecretManager(provider, { cache });
    const arn = await arnOf(provider, 'db');
    await a.getSecret({ secretId: 'db', versionStage: 'AWSPREVIOUS' });

    const resolved = await resolveConnection(
      {
        user: '{{resolve:secretsmanager:db:SecretString:username:AWSPREVIOUS}}',
        pass: `{{b|ap_sep_v1|${arn}:password}}`,
      },
      { a, b },
      { defaultManager: 'a' },
    );

    expect(resolved).toEqual({ user: 'user-v1', pass: 'pass-v2' });
  });

  it('a manager this library did not make keeps its own answers', async () => {
    const provider = createMemoryProvider({ db: V2 });
    const a = createFakeManager({ 'db/username': 'user-v1' }, 'a');
    const b = createSecretManager(provider);
    const arn = await arnOf(provider, 'db');

    const resolved = await resolveConnection(splitConnection(arn), { a, b });

    expect(resolved).toEqual({ user: 'user-v1', pass: 'pass-v2' });
  });
});
