import { afterEach, describe, expect, it } from 'vitest';
import type { SharedHit, SharedMiss } from '../../src/cache/tier.js';
import { SecretFetchError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { SecretLocator } from '../../src/types.js';
import { type DelayProxy, startDelayProxy } from '../support/delay-proxy.js';
import {
  closeClient,
  connectClient,
  isMiss,
  makeCache,
  rawClient,
  type TestCache,
  until,
  useCaches,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const provider = createMemoryProvider({}, { identity: 'races' });

describe('the shared tier under racing writers and a late bus', () => {
  const proxies: DelayProxy[] = [];
  const clients: unknown[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await Promise.all(clients.splice(0).map(closeClient));
  });
  // Registered after the hook above, so it runs before it: the caches close before the proxies they use.
  const cache = useCaches(redis, 'node-redis', { namespace: 'races', leaseMs: 2_000 });

  /** Waits until Redis holds one entry of the namespace. */
  const entryWritten = async (): Promise<void> => {
    const raw = await rawClient(redis().url);
    try {
      await until(
        async () => ((await raw.command(['KEYS', 'secret-refs:{races}:e:*'])) as string[]).length > 0,
      );
    } finally {
      await raw.close();
    }
  };

  it('a reader that begins after its own invalidation settled never takes a value written before it from a late fill notice', async () => {
    const proxy = await startDelayProxy(redis().port, 0);
    proxies.push(proxy);
    const subscriber = await connectClient('node-redis', proxy.url);
    clients.push(subscriber);
    const caller = await cache({ subscriber });
    const [holder, later] = [await cache(), await cache()];
    const scope = caller.tier.scopeOf(provider) as string;
    const locators = [{ secretId: 'prod/db' }];

    // A holder writes v1; its `filled` notice, carrying v1, reaches the caller late.
    const [first] = await holder.tier.read(scope, locators);
    expect(isMiss(first)).toBe(true);
    proxy.delayMs = 500;
    (first as SharedMiss).commit({ secretString: 'pw-1', name: 'prod/db', versionId: 'v1' });
    await entryWritten();

    // The caller invalidates the secret: Redis recorded it, and the caller's call has settled.
    await caller.cache.invalidateSecret('prod/db');
    // Another process takes the lease to fetch the new version, and the caller then reads, waiting on that lease.
    const [second] = await later.tier.read(scope, locators);
    expect(isMiss(second)).toBe(true);
    const reading = caller.tier.read(scope, locators);
    await sleep(800);
    (second as SharedMiss).commit({ secretString: 'pw-2', name: 'prod/db', versionId: 'v2' });

    const [answer] = await reading;
    expect(answer?.hit).toBe(true);
    expect((answer as SharedHit).payload.secretString).toBe('pw-2');
  });

  /**
   * A manager over a fresh cache (`options` for it) whose provider answers what AWS held when the call began, after
   * `delayMs` (no value: the secret does not exist).
   */
  const member = async (
    aws: { value: string | undefined },
    delayMs = 0,
    options: Parameters<typeof cache>[0] = {},
  ) => {
    const made = await cache(options);
    const source = {
      kind: 'memory',
      identity: 'races',
      calls: 0,
      sharedIdentity: (digest: (text: string) => string) => digest('races'),
      async fetch(locator: SecretLocator) {
        source.calls++;
        const seen = aws.value;
        await sleep(delayMs);
        if (seen === undefined)
          throw new SecretFetchError('secret_not_found', 'no such secret', { ref: locator.secretId });
        return { secretString: seen, name: locator.secretId };
      },
    };
    return { ...made, source, manager: createSecretManager(source, { cache: made.cache }) };
  };

  // The re-reader's bus on time (it hears the rotation during its fetch), or a second late (only after its answer).
  for (const [when, busDelayMs] of [
    ['it heard during its fetch', 0],
    ['whose bus message reaches it late', 1_000],
  ] as const) {
    it(`a read past the caches never writes back what it fetched before an invalidation ${when}`, async () => {
      const aws = { value: 'pw-1' };
      const proxy = await startDelayProxy(redis().port, 0);
      proxies.push(proxy);
      const subscriber = await connectClient('node-redis', proxy.url);
      clients.push(subscriber);
      const rereader = await member(aws, 300, { subscriber });
      const rotator = await member(aws);
      // The fleet has read the secret: Redis holds it.
      expect(await rotator.manager.getSecret('prod/db')).toBe('pw-1');
      proxy.delayMs = busDelayMs;
      const rereading = rereader.manager.getSecret('prod/db', { refresh: true });
      await until(() => rereader.source.calls === 1);
      // Rotated while the re-read's call is on its way: the rotation invalidates the secret fleet-wide.
      aws.value = 'pw-2';
      await rotator.cache.invalidateSecret('prod/db');
      expect(await rereading).toBe('pw-1');
      await sleep(200);

      const late = await member(aws);
      expect(await late.manager.getSecret('prod/db')).toBe('pw-2');
    });
  }

  it('a not-found answer remembered by one process is forgotten when another invalidates the secret', async () => {
    const aws: { value: string | undefined } = { value: undefined };
    const reader = await member(aws, 0, { negativeTtlMs: 60_000 });
    const creator = await member(aws);
    await expect(reader.manager.getSecret('prod/db')).rejects.toMatchObject({ code: 'secret_not_found' });

    // Another process creates the secret and tells the fleet.
    aws.value = 'pw-1';
    await creator.cache.invalidateSecret('prod/db');

    await until(async () => {
      try {
        return (await reader.manager.getSecret('prod/db')) === 'pw-1';
      } catch {
        return false;
      }
    }, 2_000);
    expect(reader.source.calls).toBe(2);
  });

  it("a waiter that gives up on a lease while its last read was on its way never writes under an order older than the holder's", async () => {
    const proxy = await startDelayProxy(redis().port, 0);
    proxies.push(proxy);
    // Its replies (and its bus) come 400 ms late; it waits on a lease for four leases (400 ms) from its first answer.
    const waiter: TestCache = await makeCache('node-redis', proxy.url, { namespace: 'races', leaseMs: 100 });
    const [holder, late] = [await cache({ leaseMs: 100 }), await cache()];
    const scope = holder.tier.scopeOf(provider) as string;
    const locators = [{ secretId: 'prod/db' }];
    const raw = await rawClient(redis().url);
    try {
      const [held] = await holder.tier.read(scope, locators);
      expect(isMiss(held)).toBe(true);
      // The holder's fetch is slow; its lease has passed to another holder, whose fetch is slow too.
      const [lease] = (await raw.command(['KEYS', 'secret-refs:{races}:l:*'])) as string[];
      await raw.command(['SET', lease!, 'another-holder', 'PX', '10000']);
      proxy.delayMs = 400;
      const waiting = waiter.tier.read(scope, locators);
      await sleep(200);
      // A notice wakes the waiter before its wait ends; its read's answer reaches it after the wait ended.
      await raw.command(['PUBLISH', 'secret-refs:{races}:bus', `sr1.w.${lease!.split(':').pop()}`]);
      const [given] = await waiting;
      expect(isMiss(given)).toBe(true);
      // The waiter's fetch began after the holder's: what it writes is the newer version.
      (given as SharedMiss).commit({ secretString: 'pw-2', name: 'prod/db', versionId: 'v2' });
      await entryWritten();
      (held as SharedMiss).commit({ secretString: 'pw-1', name: 'prod/db', versionId: 'v1' });
      await sleep(100);
    } finally {
      await raw.close();
      await waiter.close();
    }
    const [answer] = await late.tier.read(scope, locators);
    expect((answer as SharedHit).payload?.secretString).toBe('pw-2');
  });
});
