import { afterEach, describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { startDelayProxy } from '../support/delay-proxy.js';
import { countingProvider, makeCache, rawClient, until, useRedisServer } from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const provider = (delayMs: number) => countingProvider('lease-wait', delayMs);
const batchingProvider = (delayMs: number, value: () => string) =>
  countingProvider('lease-cycle', delayMs, (secretId) => `${value()}-${secretId}`, true);

describe('a reader waiting on another process’s lease', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const made of open.splice(0).reverse()) await made.close();
  });
  /** A cache of its own process (its own client) on the test's server, closed after the test. */
  const cache = async (options: Parameters<typeof makeCache>[2]) => {
    const made = await makeCache('node-redis', redis().url, options);
    open.push(made);
    return made;
  };

  it('never waits while it holds a lease itself, so two readers each holding what the other waits on do not wait out their leases', async () => {
    // Entry `b` is in Redis past the expiry sealed into it, so a reader asks for it again (a second lease round)
    // after it has leased `a`; the holder's replies come late, so the other reader leases `b` in between and waits
    // on `a`: each holds what the other waits on.
    const options = {
      namespace: 'lease-cycle',
      leaseMs: 1_000,
      ttlMs: 400,
      jitter: 0,
      operationTimeoutMs: 5_000,
    };
    const direct = await makeCache('node-redis', redis().url, options);
    open.push(direct);
    const proxy = await startDelayProxy(redis().port, 0);
    open.push(proxy);
    const late = await makeCache('node-redis', proxy.url, options);
    open.push(late);
    const raw = await rawClient(redis().url);
    open.push(raw);
    let version = 1;
    const seed = createSecretManager(
      batchingProvider(0, () => `v${version}`),
      { cache: direct.cache },
    );
    expect(await seed.getSecret('b')).toBe('v1-b');
    const entryKeys = async () => (await raw.command(['KEYS', 'secret-refs:{lease-cycle}:e:*'])) as string[];
    await until(async () => (await entryKeys()).length > 0);
    for (const key of await entryKeys()) await raw.command(['PEXPIRE', key, '60000']);
    await sleep(500);
    version = 2;
    proxy.delayMs = 150;
    const started = Date.now();
    const first = createSecretManager(
      batchingProvider(50, () => `v${version}`),
      { cache: late.cache },
    ).getSecrets(['a', 'b']);
    await sleep(30);
    const second = createSecretManager(
      batchingProvider(50, () => `v${version}`),
      { cache: direct.cache },
    ).getSecrets(['b', 'a']);
    const values = (await Promise.all([first, second])).map((results) =>
      results.map((result) => (result.ok ? result.value : result.error.code)),
    );
    expect(values).toEqual([
      ['v2-a', 'v2-b'],
      ['v2-b', 'v2-a'],
    ]);
    // Four leases (4 s) is what a reader waits on a held lease at most: both would take that long.
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('fetches only the entries it holds while it waits on the others, and gets those from their holder', async () => {
    const options = { namespace: 'lease-split', leaseMs: 2_000, operationTimeoutMs: 5_000 };
    const [first, second] = [await cache(options), await cache(options)];
    const fetchedBy = { first: [] as string[], second: [] as string[] };
    const recording = (who: keyof typeof fetchedBy, delayMs: number) =>
      countingProvider(
        'lease-split',
        delayMs,
        (secretId) => {
          fetchedBy[who].push(secretId);
          return `value-${secretId}`;
        },
        true,
      );
    // The first process leases x, y and z and fetches them slowly; the second asks for w too: it takes w's lease
    // and finds the others held.
    const holder = createSecretManager(recording('first', 400), { cache: first.cache }).getSecrets([
      'x',
      'y',
      'z',
    ]);
    await sleep(100);
    const started = Date.now();
    const overlapping = await createSecretManager(recording('second', 0), { cache: second.cache }).getSecrets(
      ['w', 'x', 'y', 'z'],
    );
    expect(overlapping.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'value-w',
      'value-x',
      'value-y',
      'value-z',
    ]);
    expect((await holder).every((result) => result.ok)).toBe(true);
    expect(fetchedBy.first.sort()).toEqual(['x', 'y', 'z']);
    // Not x, y and z again: they came from the holder's commits, not from a second fetch of its own.
    expect(fetchedBy.second).toEqual(['w']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up at once when aborted while it waits on another process for part of its batch', async () => {
    const options = { namespace: 'lease-abort', leaseMs: 5_000, operationTimeoutMs: 5_000 };
    const [first, second] = [await cache(options), await cache(options)];
    const holder = createSecretManager(countingProvider('lease-abort', 1_500), {
      cache: first.cache,
    }).getSecrets(['x']);
    await sleep(100);
    const source = countingProvider('lease-abort', 0);
    const controller = new AbortController();
    const started = Date.now();
    const reading = createSecretManager(source, { cache: second.cache }).getSecrets(['w', 'x'], {
      signal: controller.signal,
    });
    await sleep(150);
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1_000);
    // What it held was fetched before the abort; what it waited on is not fetched by it, even once its wait ends.
    await sleep(300);
    expect(source.calls).toBe(1);
    expect((await holder).every((result) => result.ok)).toBe(true);
  });

  it('takes over the leases it waited on when their holder fails, then fetches and shares them', async () => {
    const options = { namespace: 'lease-takeover', leaseMs: 2_000, operationTimeoutMs: 5_000 };
    const [first, second, thirdCache] = [await cache(options), await cache(options), await cache(options)];
    const fetched: string[] = [];
    const failing = countingProvider(
      'lease-takeover',
      300,
      () => {
        throw new Error('throttled');
      },
      true,
    );
    const working = (who: string) =>
      countingProvider(
        'lease-takeover',
        0,
        (secretId) => {
          fetched.push(`${who}:${secretId}`);
          return `value-${secretId}`;
        },
        true,
      );
    const holder = createSecretManager(failing, { cache: first.cache }).getSecrets(['x', 'y']);
    await sleep(100);
    const started = Date.now();
    const results = await createSecretManager(working('second'), { cache: second.cache }).getSecrets([
      'w',
      'x',
      'y',
    ]);
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'value-w',
      'value-x',
      'value-y',
    ]);
    expect((await holder).every((result) => !result.ok)).toBe(true);
    // The holder let its leases go (its fetch failed): the second took them when told, well before they ran out.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(fetched.sort()).toEqual(['second:w', 'second:x', 'second:y']);
    // What it fetched under those leases is in Redis for everyone.
    const third = createSecretManager(working('third'), { cache: thirdCache.cache });
    await until(async () => (await third.getSecrets(['x', 'y'])).every((result) => result.ok));
    expect(fetched.filter((entry) => entry.startsWith('third:'))).toEqual([]);
  });

  it('is woken at once when the holder’s commit is refused (an invalidation came during its fetch), and fetches itself', async () => {
    const options = { namespace: 'lease-refused', leaseMs: 4_000, operationTimeoutMs: 5_000 };
    const [first, second] = [await cache(options), await cache(options)];
    const holderManager = createSecretManager(
      countingProvider('lease-refused', 200, () => 'old'),
      { cache: first.cache },
    );
    const held = holderManager.getSecret('prod/db');
    await sleep(50);
    const started = Date.now();
    const waiterSource = countingProvider('lease-refused', 0, () => 'new');
    const waited = createSecretManager(waiterSource, { cache: second.cache }).getSecret('prod/db');
    await sleep(50);
    // The secret changes while the holder fetches: what it read may be the old version, so its commit is refused.
    holderManager.invalidate('prod/db');
    expect(await waited).toBe('new');
    expect(waiterSource.calls).toBe(1);
    // Not at its first poll (a lease later): the refused commit's notice woke it.
    expect(Date.now() - started).toBeLessThan(900);
    await held;
  });

  it('counts its wait from when it learns the lease is held, not from when it asked, so a slow own read does not make it fetch', async () => {
    const options = { namespace: 'lease-wait', leaseMs: 200, operationTimeoutMs: 5_000 };
    const holder = await makeCache('node-redis', redis().url, options);
    open.push(holder);
    // Every reply to the waiter's process comes 900 ms late: its read answers after four leases have gone by.
    const proxy = await startDelayProxy(redis().port, 0);
    open.push(proxy);
    const waiter = await makeCache('node-redis', proxy.url, options);
    open.push(waiter);
    proxy.delayMs = 900;

    const holderSource = provider(1_000);
    const waiterSource = provider(0);
    const held = createSecretManager(holderSource, { cache: holder.cache }).getSecret('prod/db');
    while (holderSource.calls === 0) await sleep(5);
    expect(await createSecretManager(waiterSource, { cache: waiter.cache }).getSecret('prod/db')).toBe(
      'pw-1',
    );
    expect(await held).toBe('pw-1');
    expect(waiterSource.calls).toBe(0);
  });

  it('does not look at Redis again before a lease could have run out while the bus is up and the holder is slow', async () => {
    const options = { namespace: 'lease-polls', leaseMs: 20_000 };
    const [holder, waiter] = [await cache(options), await cache(options)];
    const raw = await rawClient(redis().url);
    open.push(raw);
    const scripts = async (): Promise<number> => {
      const stats = String(await raw.command(['INFO', 'commandstats']));
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const holderSource = provider(6_500);
    const held = createSecretManager(holderSource, { cache: holder.cache }).getSecret('prod/db');
    while (holderSource.calls === 0) await sleep(5);
    const waited = createSecretManager(provider(0), { cache: waiter.cache }).getSecret('prod/db');
    await sleep(500);
    const before = await scripts();
    await sleep(5_500);
    // Nobody runs a script meanwhile: the holder is fetching (it renews its lease only after 10 s), and the waiter is
    // told of the holder's value by its notice; it would poll only when the holder's lease could have run out.
    expect((await scripts()) - before).toBe(0);
    expect(await waited).toBe('pw-1');
    expect(await held).toBe('pw-1');
  }, 20_000);
});
