import { describe, expect, it } from 'vitest';
import { cacheStoreOf } from '../../src/cache/create-secret-cache.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import type { SecretPayload } from '../../src/types.js';
import {
  closeClient,
  connectClient,
  FLAVOURS,
  flushRedis,
  isMiss,
  KEY_A,
  KEY_B,
  rawClient,
  until,
  useCaches,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf';
const payload: SecretPayload = { secretString: 'pw-1', name: 'prod/db', arn: ARN, versionId: 'v1' };
const provider = createMemoryProvider({}, { identity: 'fleet' });

describe.each(FLAVOURS)('the Redis tier over %s', (flavour) => {
  const cache = useCaches(redis, flavour, { namespace: `tier-${flavour}` });

  it('serves what one process committed to another, for the same scope only', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    expect(b.tier.scopeOf(provider)).toBe(scope);
    const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(isMiss(miss)).toBe(true);
    if (isMiss(miss)) miss.commit(payload);
    await until(async () => (await b.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    const [hit] = await b.tier.read(scope, [{ secretId: 'prod/db', versionStage: 'AWSCURRENT' }]);
    expect(hit).toMatchObject({ hit: true, payload });
    expect(hit?.hit && hit.freshForMs).toBeLessThanOrEqual(300_000);
    const other = createMemoryProvider({}, { identity: 'other-team' });
    const [elsewhere] = await b.tier.read(b.tier.scopeOf(other) as string, [{ secretId: 'prod/db' }]);
    expect(elsewhere?.hit).toBe(false);
    expect(a.tier.scopeOf(createMemoryProvider())).toBeUndefined();
  });

  it.each(['prod/db', ARN, ARN.slice(0, -7)])(
    'one invalidate by %s drops an entry read by name in Redis and in every process',
    async (id) => {
      const [a, b] = [await cache(), await cache()];
      const scope = a.tier.scopeOf(provider) as string;
      const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
      if (isMiss(miss)) miss.commit(payload);
      await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
      b.tier.invalidate(scope, id);
      await until(() => a.heard.length > 0);
      const [message] = a.heard;
      expect(message?.scope).toBe(scope);
      expect(message?.matches('prod/db', payload)).toBe(true);
      expect(message?.matches('prod/api', { name: 'prod/api' })).toBe(false);
      expect((await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]?.hit).toBe(false);
    },
  );

  it('an invalidate still drops the current entry when its index sets were evicted', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    if (isMiss(miss)) miss.commit(payload);
    await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    const raw = await rawClient(redis().url);
    const indexes = (await raw.command(['KEYS', `secret-refs:{tier-${flavour}}:i:*`])) as string[];
    expect(indexes.length).toBeGreaterThan(0);
    await raw.command(['DEL', ...indexes]);
    await raw.close();
    b.tier.invalidate(scope, 'prod/db');
    await until(() => a.heard.length > 0);
    expect((await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]?.hit).toBe(false);
  });

  it('a scope-wide invalidate drops every entry of the scope', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const reads = await a.tier.read(scope, [{ secretId: 'one' }, { secretId: 'two' }]);
    for (const [index, read] of reads.entries()) if (isMiss(read)) read.commit({ secretString: `v${index}` });
    await until(async () => (await a.tier.read(scope, [{ secretId: 'two' }]))[0]!.hit);
    b.tier.invalidate(scope);
    await until(() => a.heard.length > 0);
    expect(a.heard[0]?.matches('anything', undefined)).toBe(true);
    const after = await a.tier.read(scope, [{ secretId: 'one' }, { secretId: 'two' }]);
    expect(after.map((read) => read.hit)).toEqual([false, false]);
  });

  it('never writes back a fetch that began before an invalidation (by any id form) or a flush', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    for (const invalidate of [
      () => b.tier.invalidate(scope, 'prod/db'),
      () => b.tier.invalidate(scope, ARN),
      () => b.tier.invalidate(scope),
      () => b.cache.invalidateSecret(ARN.slice(0, -7)),
      () => flushRedis(redis().url),
    ]) {
      const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
      expect(isMiss(miss)).toBe(true);
      const before = a.heard.length;
      await invalidate();
      await until(() => a.heard.length > before || !b.cache.isListening() || true);
      if (isMiss(miss)) miss.commit({ ...payload, secretString: 'old' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [after] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
      expect(after?.hit).toBe(false);
      if (isMiss(after)) after.release();
    }
  });

  it('refuses a write back when the invalidation log lost entries since the read (evicted or trimmed)', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    b.tier.invalidate(scope, 'prod/api');
    await until(() => a.heard.length > 0);
    const raw = await rawClient(redis().url);
    await raw.command(['DEL', `secret-refs:{tier-${flavour}}:log`]);
    await raw.close();
    if (isMiss(miss)) miss.commit(payload);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [after] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(after?.hit).toBe(false);
    // With the log whole, an invalidation of another secret does not refuse the write.
    if (isMiss(after)) {
      b.tier.invalidate(scope, 'prod/other');
      await until(() => a.heard.length > 1);
      after.commit(payload);
    }
    await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
  });

  it('a cold read waits for the lease holder and gets its value; a released lease passes on', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    if (isMiss(holder)) holder.commit(payload);
    expect((await waiting)[0]).toMatchObject({ hit: true, payload });

    const [second] = await a.tier.read(scope, [{ secretId: 'prod/api' }]);
    const next = b.tier.read(scope, [{ secretId: 'prod/api' }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    if (isMiss(second)) second.release();
    const [taken] = await next;
    expect(taken?.hit).toBe(false);
    // b now holds the lease: a third reader waits on it, and gets b's value.
    const third = a.tier.read(scope, [{ secretId: 'prod/api' }]);
    if (isMiss(taken)) taken.commit({ secretString: 'api' });
    expect((await third)[0]).toMatchObject({ hit: true, payload: { secretString: 'api' } });
  });

  it('a waiter opens the value its holder’s notice carries, without reading Redis again', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    const raw = await rawClient(redis().url);
    const scripts = async (): Promise<number> => {
      const stats = String(await raw.command(['INFO', 'commandstats']));
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const before = await scripts();
    if (isMiss(holder)) holder.commit(payload);
    expect((await waiting)[0]).toMatchObject({ hit: true, payload });
    // The holder's commit is the one script run since: the waiter read nothing more.
    expect((await scripts()) - before).toBe(1);
    await raw.close();
  });

  it('a waiter takes a lease its holder let go at once, long before it would poll', async () => {
    const [a, b] = [await cache({ leaseMs: 10_000 }), await cache({ leaseMs: 10_000 })];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const letGo = Date.now();
    if (isMiss(holder)) holder.release();
    const [taken] = await waiting;
    expect(taken?.hit).toBe(false);
    expect(Date.now() - letGo).toBeLessThan(800);
    // It holds the lease now: its commit is what the next reader gets.
    if (isMiss(taken)) taken.commit({ secretString: 'from-b' });
    await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
  });

  it('a waiter given a forged or foreign text in a notice reads Redis instead', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    const [other] = await a.tier.read(scope, [{ secretId: 'prod/api' }]);
    const raw = await rawClient(redis().url);
    const channel = `secret-refs:{tier-${flavour}}:bus`;
    const entryKeys = async (): Promise<string[]> =>
      ((await raw.command(['KEYS', `secret-refs:{tier-${flavour}}:e:*`])) as string[]).sort();
    // prod/api's entry, written first: its text is genuine but sealed for another entry.
    if (isMiss(other)) other.commit({ secretString: 'api-value', name: 'prod/api' });
    await until(async () => (await entryKeys()).length === 1);
    const [apiKey] = await entryKeys();
    const apiText = String(await raw.command(['GET', apiKey!]));
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const leases = (await raw.command(['KEYS', `secret-refs:{tier-${flavour}}:l:*`])) as string[];
    const dbEntry = leases[0]!.split(':').pop()!;
    await raw.command(['PUBLISH', channel, `sr1.w.${dbEntry}.${apiText}`]);
    await raw.command(['PUBLISH', channel, `sr1.w.${dbEntry}.1.${Buffer.alloc(90, 7).toString('base64')}`]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    if (isMiss(holder)) holder.commit(payload);
    expect((await waiting)[0]).toMatchObject({ hit: true, payload });
    await raw.close();
  });

  it('tiers sharing one client load a script the server lost once, not once each', async () => {
    const client = await connectClient(flavour, redis().url);
    const caches = Array.from({ length: 20 }, () =>
      createRedisSecretCache({ client, encryptionKey: KEY_A, namespace: `tier-${flavour}`, leaseMs: 0 }),
    );
    const raw = await rawClient(redis().url);
    const evals = async (): Promise<number> =>
      Number(/cmdstat_eval:calls=(\d+)/.exec(String(await raw.command(['INFO', 'commandstats'])))?.[1] ?? 0);
    await raw.command(['SCRIPT', 'FLUSH']);
    const before = await evals();
    const reads = await Promise.all(
      caches.map((made) => {
        const tier = cacheStoreOf(made)!.tier!;
        return tier.read(tier.scopeOf(provider) as string, [{ secretId: 'prod/db' }]);
      }),
    );
    // Every tier was answered by Redis (leases off: twenty READs at once, and no other script).
    expect(reads.every(([read]) => read !== undefined)).toBe(true);
    expect((await evals()) - before).toBe(1);
    await raw.close();
    await Promise.all(caches.map((made) => made.close()));
    await closeClient(client);
  });

  it('a lease whose holder never answers is waited on for four leases at most', async () => {
    const [a, b] = [await cache({ leaseMs: 150 }), await cache({ leaseMs: 150 })];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(isMiss(holder)).toBe(true);
    const started = Date.now();
    const [late] = await b.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(late?.hit).toBe(false);
    // The holder renewed its lease (it is alive), so b waited past one lease, and gave up after four.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150 * 2);
    expect(Date.now() - started).toBeLessThan(150 * 4 + 1_000);
  });

  it('a waiter keeps waiting while the holder’s fetch outlasts its lease, and gets the holder’s value', async () => {
    const [a, b] = [await cache({ leaseMs: 200 }), await cache({ leaseMs: 200 })];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    // A slow provider: the holder answers after two and a half leases.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (isMiss(holder)) holder.commit(payload);
    expect((await waiting)[0]).toMatchObject({ hit: true, payload });
  });

  it('a waiter’s four leases do not count the time its process’s loop was stalled: it gets the holder’s value', async () => {
    const [a, b] = [await cache({ leaseMs: 5_000 }), await cache({ leaseMs: 150 })];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(isMiss(holder)).toBe(true);
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    // b has heard that the lease is held; then the process is busy (a saturated cold start) past b's four leases.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const busyUntil = Date.now() + 150 * 4 + 300;
    while (Date.now() < busyUntil) {
      // stalled
    }
    // The holder's value comes after b's four leases of wall time, within four leases of b's loop running.
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (isMiss(holder)) holder.commit(payload);
    expect((await waiting)[0]).toMatchObject({ hit: true, payload });
  });

  it('a holder that is gone stops renewing, and a waiter takes its lease within about one lease', async () => {
    const [a, b] = [await cache({ leaseMs: 1_000 }), await cache({ leaseMs: 1_000 })];
    const scope = a.tier.scopeOf(provider) as string;
    const [holder] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    expect(isMiss(holder)).toBe(true);
    const started = Date.now();
    const waiting = b.tier.read(scope, [{ secretId: 'prod/db' }]);
    await a.close();
    const [taken] = await waiting;
    expect(taken?.hit).toBe(false);
    // Taken when the lease ran out (plus one poll), not at the end of four leases.
    expect(Date.now() - started).toBeLessThan(3_000);
    if (isMiss(taken)) taken.commit(payload);
    await until(async () => (await b.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
  });

  it('treats a tampered, swapped or foreign-key entry as a miss', async () => {
    const [a, b] = [await cache(), await cache({ encryptionKey: KEY_B })];
    const scope = a.tier.scopeOf(provider) as string;
    const reads = await a.tier.read(scope, [{ secretId: 'one' }, { secretId: 'two' }]);
    for (const [index, read] of reads.entries()) if (isMiss(read)) read.commit({ secretString: `v${index}` });
    await until(async () => (await a.tier.read(scope, [{ secretId: 'two' }]))[0]!.hit);
    expect((await b.tier.read(b.tier.scopeOf(provider) as string, [{ secretId: 'one' }]))[0]?.hit).toBe(
      false,
    );

    const raw = await rawClient(redis().url);
    const keys = ((await raw.command(['KEYS', `secret-refs:{tier-${flavour}}:e:*`])) as string[]).sort();
    expect(keys).toHaveLength(2);
    const [first, second] = [
      String(await raw.command(['GET', keys[0]!])),
      String(await raw.command(['GET', keys[1]!])),
    ];
    await raw.command(['SET', keys[0]!, second]);
    await raw.command(['SET', keys[1]!, first]);
    expect((await a.tier.read(scope, [{ secretId: 'one' }, { secretId: 'two' }])).map((r) => r.hit)).toEqual([
      false,
      false,
    ]);
    const bytes = Buffer.from(first, 'base64');
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 1;
    await raw.command(['SET', keys[0]!, bytes.toString('base64')]);
    await raw.command(['SET', keys[1]!, 'garbage']);
    expect((await a.tier.read(scope, [{ secretId: 'one' }, { secretId: 'two' }])).map((r) => r.hit)).toEqual([
      false,
      false,
    ]);
    await raw.close();
  });

  it('ignores forged and foreign bus messages', async () => {
    const [a, b] = [await cache(), await cache({ encryptionKey: KEY_B })];
    const scope = a.tier.scopeOf(provider) as string;
    b.tier.scopeOf(provider);
    const raw = await rawClient(redis().url);
    const channel = `secret-refs:{tier-${flavour}}:bus`;
    await raw.command(['PUBLISH', channel, 'prod/db']);
    await raw.command(['PUBLISH', channel, `sr1.n.00000000.-.-.${'0'.repeat(32)}`]);
    b.tier.invalidate(b.tier.scopeOf(provider) as string, 'prod/db');
    await until(() => b.heard.length > 0);
    await a.tier.invalidate(scope, 'prod/db');
    // Its own invalidation, told at once and again by the bus; the forged namespace clear (no scope) is not heard.
    await until(() => a.heard.length > 1);
    expect(a.heard.map((message) => message.scope)).toEqual([scope, scope]);
    await raw.close();
  });

  it('rotates keys: invalidations reach processes holding the old key, the new key, or both', async () => {
    const old = await cache({ encryptionKey: KEY_A });
    const both = await cache({ encryptionKey: [KEY_B, KEY_A] });
    const scopeBoth = both.tier.scopeOf(provider) as string;
    const scopeOld = old.tier.scopeOf(provider) as string;
    const [miss] = await both.tier.read(scopeBoth, [{ secretId: 'prod/db' }]);
    if (isMiss(miss)) miss.commit(payload);
    await until(async () => (await both.tier.read(scopeBoth, [{ secretId: 'prod/db' }]))[0]!.hit);
    old.tier.invalidate(scopeOld, 'prod/db');
    await until(() => both.heard.length > 0);
    expect(both.heard[0]?.matches('prod/db', payload)).toBe(true);
    expect((await both.tier.read(scopeBoth, [{ secretId: 'prod/db' }]))[0]?.hit).toBe(false);
  });

  it('clears a namespace everywhere, and one secret in every scope', async () => {
    const [a, b] = [await cache(), await cache()];
    const scope = a.tier.scopeOf(provider) as string;
    const [miss] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    if (isMiss(miss)) miss.commit(payload);
    await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    await b.cache.clearNamespace();
    await until(() => a.heard.length > 0);
    expect(a.heard[0]?.scope).toBeUndefined();
    expect((await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]?.hit).toBe(false);

    const [again] = await a.tier.read(scope, [{ secretId: 'prod/db' }]);
    if (isMiss(again)) again.commit(payload);
    await until(async () => (await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    await b.cache.invalidateSecret(ARN);
    await until(() => a.heard.length > 1);
    expect(a.heard[1]?.matches('prod/db', payload)).toBe(true);
    expect((await a.tier.read(scope, [{ secretId: 'prod/db' }]))[0]?.hit).toBe(false);
  });
});
