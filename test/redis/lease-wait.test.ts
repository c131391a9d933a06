import { afterEach, describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretLocator, SecretProvider } from '../../src/types.js';
import { startDelayProxy } from '../support/delay-proxy.js';
import { makeCache, rawClient, useRedisServer } from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A provider shared under one identity, answering after `delayMs`, counting its calls. */
function provider(delayMs: number): SecretProvider & { calls: number } {
  const made = {
    kind: 'memory',
    identity: 'lease-wait',
    calls: 0,
    sharedIdentity: (digest: (text: string) => string) => digest('lease-wait'),
    async fetch(locator: SecretLocator) {
      made.calls++;
      await sleep(delayMs);
      return { secretString: 'pw-1', name: locator.secretId };
    },
    apiCalls: () => made.calls,
  };
  return made;
}

describe('a reader waiting on another process’s lease', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const made of open.splice(0).reverse()) await made.close();
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

  it('looks at Redis less and less often while the bus is up and the holder is slow', async () => {
    const options = { namespace: 'lease-polls', leaseMs: 20_000 };
    const holder = await makeCache('node-redis', redis().url, options);
    open.push(holder);
    const waiter = await makeCache('node-redis', redis().url, options);
    open.push(waiter);
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
    // Only the waiter runs scripts meanwhile (the holder is fetching, and renews its lease only after 10 s): its
    // polls, at 1 s and 3 s, not every second.
    expect((await scripts()) - before).toBeLessThanOrEqual(2);
    expect(await waited).toBe('pw-1');
    expect(await held).toBe('pw-1');
  }, 20_000);
});
