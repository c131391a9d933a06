import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { SecretPayload, SecretProvider } from '../../src/types.js';

/**
 * A memory provider whose answers are read at once and handed over only when the test opens the gate: a fetch
 * "in flight" holds the value the secret had when it began.
 */
function gated(secrets: Record<string, string>) {
  const base = createMemoryProvider(secrets);
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const hold = (): (() => void) => {
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return open;
  };
  const provider: SecretProvider = {
    kind: 'memory',
    identity: base.identity,
    async fetch(locator, options) {
      const payload: SecretPayload = await base.fetch(locator, options);
      await gate;
      return payload;
    },
    apiCalls: () => base.apiCalls(),
  };
  return { base, provider, hold, release: () => open() };
}

async function arnOf(base: ReturnType<typeof createMemoryProvider>, name: string): Promise<string> {
  for await (const secret of base.listSecrets()) if (secret.name === name) return secret.arn!;
  throw new Error(`no secret ${name}`);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('invalidate vs. a fetch in flight under another form of the id', () => {
  const forms = [
    ['full ARN', 'name', async (base: ReturnType<typeof createMemoryProvider>) => arnOf(base, 'db'), 'db'],
    [
      'partial ARN',
      'name',
      async (base: ReturnType<typeof createMemoryProvider>) => (await arnOf(base, 'db')).slice(0, -7),
      'db',
    ],
    ['name', 'full ARN', async () => 'db', 'arn'],
    ['name', 'partial ARN', async () => 'db', 'partial'],
  ] as const;

  for (const [readBy, invalidateBy, readId, invalidateId] of forms) {
    it(`read by ${readBy}, invalidate by ${invalidateBy} while in flight: the old value is never stored`, async () => {
      // Prepare
      const { base, provider, hold, release } = gated({ db: 'old' });
      const manager = createSecretManager(provider);
      const id = await readId(base);
      const arn = await arnOf(base, 'db');
      const target = invalidateId === 'arn' ? arn : invalidateId === 'partial' ? arn.slice(0, -7) : 'db';
      hold();
      const inFlight = manager.getSecret(id);
      await tick();

      // Act
      manager.invalidate(target);
      base.setSecret('db', 'new');
      release();

      // Assess: the reader that began before gets what it asked for; nothing old is kept
      expect(await inFlight).toBe('old');
      expect(await manager.getSecret(id)).toBe('new');
      expect(manager.stats().size).toBe(1);
    });
  }

  it('read by an alias whose answer names the secret, invalidated by that name while alone in flight: the old value is never stored', async () => {
    // Prepare: a provider of aliases (the id read says nothing of the name); its one fetch is the only one in flight
    let value = 'old';
    let open: () => void = () => undefined;
    let calls = 0;
    const provider: SecretProvider = {
      kind: 'aliases',
      identity: 'aliases:test',
      async fetch() {
        calls++;
        const secretString = value;
        await new Promise<void>((resolve) => {
          open = resolve;
          if (calls > 1) resolve();
        });
        return { secretString, name: 'db', versionId: secretString };
      },
    };
    const manager = createSecretManager(provider);
    const inFlight = manager.getSecret('alias/db');
    await tick();

    // Act: invalidated by the name its answer will carry, then rotated, then the old answer arrives
    manager.invalidate('db');
    value = 'new';
    open();

    // Assess
    expect(await inFlight).toBe('old');
    expect(await manager.getSecret('alias/db')).toBe('new');
    expect(calls).toBe(2);
  });

  it('invalidate() of everything while a fetch is in flight: the old value is never stored', async () => {
    const { base, provider, hold, release } = gated({ db: 'old' });
    const manager = createSecretManager(provider);
    hold();
    const inFlight = manager.getSecret('db');
    await tick();
    manager.invalidate();
    base.setSecret('db', 'new');
    release();
    expect(await inFlight).toBe('old');
    expect(await manager.getSecret('db')).toBe('new');
  });

  it('a reader that comes after the invalidation does not join the old fetch', async () => {
    const { base, provider, hold } = gated({ db: 'old' });
    const manager = createSecretManager(provider);
    const arn = await arnOf(base, 'db');
    const releaseBefore = hold();
    const before = manager.getSecret(arn);
    await tick();
    manager.invalidate('db');
    base.setSecret('db', 'new');
    const releaseAfter = hold();
    const after = manager.getSecret(arn);
    await tick();
    releaseBefore();
    expect(await before).toBe('old');
    releaseAfter();
    expect(await after).toBe('new');
    expect(await manager.getSecret(arn)).toBe('new');
  });

  it('an invalidation of another secret leaves the fetch in flight free to be stored', async () => {
    const { base, provider, hold, release } = gated({ db: 'v1', other: 'x' });
    const manager = createSecretManager(provider);
    const arn = await arnOf(base, 'db');
    hold();
    const inFlight = manager.getSecret(arn);
    await tick();
    manager.invalidate('other');
    release();
    expect(await inFlight).toBe('v1');
    const calls = base.apiCalls();
    expect(await manager.getSecret(arn)).toBe('v1');
    expect(base.apiCalls()).toBe(calls);
  });
});

describe('one secret, one version in one resolve', () => {
  it('a connection naming one secret by name and by ARN never pairs an old username with a new password', async () => {
    // Prepare: the name is cached at v1, then the secret rotates
    const base = createMemoryProvider({ db: '{"username":"user-v1","password":"pass-v1"}' });
    const manager = createSecretManager(base);
    const arn = await arnOf(base, 'db');
    await manager.getSecret('db:username');
    base.setSecret('db', '{"username":"user-v2","password":"pass-v2"}');

    // Act: the ARN is not cached yet, so it is fetched (v2) while the name is a hit (v1)
    const resolved = await resolveConnection(
      {
        user: '{{resolve:secretsmanager:db:SecretString:username}}',
        pass: `{{resolve:secretsmanager:${arn}:SecretString:password}}`,
      },
      manager,
    );

    // Assess: one version for both, and the name's entry now holds it too
    expect(resolved).toEqual({ user: 'user-v2', pass: 'pass-v2' });
    expect(await manager.getSecret('db:password')).toBe('pass-v2');
  });

  it('a warm resolve repeating a name whose ARN is cached at a newer version gives the newer one everywhere', async () => {
    // Prepare: the name cached at v1; after a rotation, the ARN alone cached at v2, so both are fresh
    const base = createMemoryProvider({ db: '{"username":"user-v1","password":"pass-v1"}' });
    const manager = createSecretManager(base);
    const arn = await arnOf(base, 'db');
    await manager.getSecret('db:username');
    base.setSecret('db', '{"username":"user-v2","password":"pass-v2"}');
    await manager.getSecret(`${arn}:password`);
    const calls = base.apiCalls();

    // Act: every key is fresh in memory, and the name is named three times
    const resolved = await resolveConnection(
      {
        user: '{{resolve:secretsmanager:db:SecretString:username}}',
        again: '{{resolve:secretsmanager:db:SecretString:username}}',
        pass: `{{resolve:secretsmanager:${arn}:SecretString:password}}`,
        other: '{{resolve:secretsmanager:db:SecretString:password}}',
      },
      manager,
    );

    // Assess: no fetch, and one version for every field
    expect(base.apiCalls()).toBe(calls);
    expect(resolved).toEqual({ user: 'user-v2', again: 'user-v2', pass: 'pass-v2', other: 'pass-v2' });
  });

  it('getSecrets gives one version for several id forms of one secret', async () => {
    const base = createMemoryProvider({ db: '{"u":"1","p":"1"}' });
    const manager = createSecretManager(base);
    const arn = await arnOf(base, 'db');
    await manager.getSecret(arn.slice(0, -7));
    base.setSecret('db', '{"u":"2","p":"2"}');
    const results = await manager.getSecrets([`${arn.slice(0, -7)}:u`, 'db:p', `${arn}:u`]);
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual(['2', '2', '2']);
  });

  it('a pinned stage of the same secret keeps its own version', async () => {
    const base = createMemoryProvider({
      db: {
        versions: [
          { value: 'old', stages: ['AWSPREVIOUS'] },
          { value: 'new', stages: ['AWSCURRENT'] },
        ],
      },
    });
    const manager = createSecretManager(base);
    const results = await manager.getSecrets([
      { secretId: 'db' },
      { secretId: 'db', versionStage: 'AWSPREVIOUS' },
    ]);
    expect(results.map((result) => (result.ok ? result.value : undefined))).toEqual(['new', 'old']);
  });
});

describe('one version per read never brings back a fetch begun before an invalidation', () => {
  it('a read that began before invalidate does not hand its old value to an entry stored since', async () => {
    // Prepare: a secret read by name and ARN; each fetch reads the value when it begins and answers when released
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
    let value = 'old';
    const held: (() => void)[] = [];
    const provider: SecretProvider = {
      kind: 'held',
      identity: 'held:test',
      async fetch({ secretId }) {
        if (secretId !== 'db' && secretId !== arn) throw new Error('unknown secret');
        const secretString = value;
        await new Promise<void>((resolve) => held.push(resolve));
        return { secretString, name: 'db', arn, versionId: secretString };
      },
    };
    const manager = createSecretManager(provider);
    const before = manager.getSecrets([arn, 'db']);
    await tick();
    const [byArn, byName] = held.splice(0);

    // Act: invalidated and rotated; a read after it stores the new value; then the old fetches answer, the
    // name's first, so the ARN's (the most recent arrival) is the one that read's name is made to see
    manager.invalidate('db');
    value = 'new';
    const after = manager.getSecret('db');
    await tick();
    for (const release of held.splice(0)) release();
    expect(await after).toBe('new');
    byName!();
    await tick();
    byArn!();
    const results = await before;

    // Assess: the read that began before gets the old value; the entry stored after the invalidation keeps 'new'
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual(['old', 'old']);
    expect(await manager.getSecret('db')).toBe('new');
  });
});
