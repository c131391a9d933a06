import { afterEach, describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { startDelayProxy } from '../support/delay-proxy.js';
import {
  closeClient,
  connectClient,
  countingProvider,
  isMiss,
  makeCache,
  rawClient,
  until,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const provider = (delayMs: number, value: () => string = () => 'pw-1') =>
  countingProvider('fleet-costs', delayMs, () => value());

/** Calls per command since Redis started (INFO commandstats: the commands scripts run included). */
async function commandCalls(url: string): Promise<Map<string, number>> {
  const raw = await rawClient(url);
  const text = String(await raw.command(['INFO', 'commandstats']));
  await raw.close();
  return new Map([...text.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map(([, name, n]) => [name!, Number(n)]));
}

async function commandsSince(url: string, before: Map<string, number>, name: string): Promise<number> {
  return ((await commandCalls(url)).get(name) ?? 0) - (before.get(name) ?? 0);
}

describe('what a fleet costs Redis and the provider', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const made of open.splice(0).reverse()) await made.close();
  });

  it('an entry Redis still holds past the expiry sealed into it is fetched again by one process, not by every reader', async () => {
    const options = { namespace: 'costs-expired', ttlMs: 400, jitter: 0 };
    const caches = [];
    for (let i = 0; i < 3; i++) caches.push(await makeCache('node-redis', redis().url, options));
    open.push(...caches);
    const raw = await rawClient(redis().url);
    open.push(raw);
    let version = 1;
    const sources = caches.map(() => provider(150, () => `pw-${version}`));
    const managers = caches.map((made, i) => createSecretManager(sources[i]!, { cache: made.cache }));
    expect(await managers[0]!.getSecret('prod/db')).toBe('pw-1');
    // Redis keeps the entry longer than its writer sealed it for (a commit that reached Redis late, or a writer
    // whose clock runs behind): past 400 ms, every reader finds a value that has expired.
    const entryKeys = async () =>
      (await raw.command(['KEYS', 'secret-refs:{costs-expired}:e:*'])) as string[];
    await until(async () => (await entryKeys()).length > 0);
    const [entryKey] = await entryKeys();
    await raw.command(['PEXPIRE', entryKey!, '60000']);
    await sleep(500);
    version = 2;
    const values = await Promise.all(managers.map((manager) => manager.getSecret('prod/db')));
    expect(values).toEqual(['pw-2', 'pw-2', 'pw-2']);
    // The first fetch at the start, then one for the fleet (the one that took the lease).
    expect(sources.reduce((sum, source) => sum + source.calls, 0)).toBe(2);
  });

  it('a read of a batch asks nothing more of an entry Redis does not hold than its length and its lease', async () => {
    const made = await makeCache('node-redis', redis().url, { namespace: 'costs-read' });
    open.push(made);
    const scope = made.tier.scopeOf(createMemoryProvider({}, { identity: 'costs' })) as string;
    const locators = Array.from({ length: 50 }, (_, i) => ({ secretId: `app/secret-${i}` }));
    const before = await commandCalls(redis().url);
    const reads = await made.tier.read(scope, locators);
    expect(reads.every(isMiss)).toBe(true);
    expect(await commandsSince(redis().url, before, 'evalsha')).toBe(1);
    expect(await commandsSince(redis().url, before, 'strlen')).toBe(50);
    expect(await commandsSince(redis().url, before, 'mget')).toBe(1);
    expect(await commandsSince(redis().url, before, 'set')).toBe(50);
    expect(await commandsSince(redis().url, before, 'get')).toBe(0);
    for (const read of reads) if (isMiss(read)) read.release();
  });

  it('a read of a batch another process holds the leases of costs its lengths and one MGET, not a SET per lease', async () => {
    const holder = await makeCache('node-redis', redis().url, { namespace: 'costs-held' });
    const waiter = await makeCache('node-redis', redis().url, { namespace: 'costs-held' });
    open.push(holder, waiter);
    const identity = createMemoryProvider({}, { identity: 'costs' });
    const locators = Array.from({ length: 50 }, (_, i) => ({ secretId: `app/secret-${i}` }));
    const held = await holder.tier.read(holder.tier.scopeOf(identity) as string, locators);
    expect(held.every(isMiss)).toBe(true);
    const before = await commandCalls(redis().url);
    const leave = new AbortController();
    const waiting = waiter.tier.read(waiter.tier.scopeOf(identity) as string, locators, leave.signal);
    await until(async () => (await commandsSince(redis().url, before, 'evalsha')) >= 1);
    expect(await commandsSince(redis().url, before, 'strlen')).toBe(50);
    expect(await commandsSince(redis().url, before, 'mget')).toBe(1);
    expect(await commandsSince(redis().url, before, 'set')).toBe(0);
    expect(await commandsSince(redis().url, before, 'get')).toBe(0);
    leave.abort();
    await waiting;
    for (const read of held) if (isMiss(read)) read.release();
  });

  it('a waiter that hears the holder’s value before its own read answers takes it without reading again', async () => {
    const options = { namespace: 'costs-early', operationTimeoutMs: 5_000 };
    const holder = await makeCache('node-redis', redis().url, options);
    open.push(holder);
    // The waiter's commands are answered 600 ms late; its subscriber hears the bus at once.
    const proxy = await startDelayProxy(redis().port, 0);
    open.push(proxy);
    const subscriber = await connectClient('node-redis', redis().url);
    open.push({ close: () => closeClient(subscriber) });
    const waiter = await makeCache('node-redis', proxy.url, { ...options, subscriber });
    open.push(waiter);
    proxy.delayMs = 600;

    const holderSource = provider(250);
    const waiterSource = provider(0);
    const before = await commandCalls(redis().url);
    const held = createSecretManager(holderSource, { cache: holder.cache }).getSecret('prod/db');
    while (holderSource.calls === 0) await sleep(5);
    const started = Date.now();
    expect(await createSecretManager(waiterSource, { cache: waiter.cache }).getSecret('prod/db')).toBe(
      'pw-1',
    );
    // Its one read, answered after 600 ms; not a second one at its first poll (a second after that).
    expect(Date.now() - started).toBeLessThan(1_300);
    expect(await held).toBe('pw-1');
    expect(waiterSource.calls).toBe(0);
    // The holder's read and commit, the waiter's one read.
    expect(await commandsSince(redis().url, before, 'evalsha')).toBe(3);
  });

  it('a waiter whose process was busy when the holder’s value came reads the notice, not Redis again', async () => {
    const options = { namespace: 'costs-busy' };
    const holder = await makeCache('node-redis', redis().url, options);
    open.push(holder);
    // The waiter hears the bus 100 ms late: the holder's notice reaches it while its loop is blocked.
    const proxy = await startDelayProxy(redis().port, 100);
    open.push(proxy);
    const subscriber = await connectClient('node-redis', proxy.url);
    open.push({ close: () => closeClient(subscriber) });
    const waiter = await makeCache('node-redis', redis().url, { ...options, subscriber });
    open.push(waiter);
    const raw = await rawClient(redis().url);
    open.push(raw);

    const holderSource = provider(300);
    const held = createSecretManager(holderSource, { cache: holder.cache }).getSecret('prod/db');
    while (holderSource.calls === 0) await sleep(5);
    const before = await commandCalls(redis().url);
    const waited = createSecretManager(provider(0), { cache: waiter.cache }).getSecret('prod/db');
    await until(
      async () => ((await raw.command(['KEYS', 'secret-refs:{costs-busy}:e:*'])) as string[]).length > 0,
    );
    // The process is busy past the waiter's first poll (1 s after its read).
    const busyUntil = Date.now() + 1_300;
    while (Date.now() < busyUntil) {
      // the process's own work
    }
    expect(await waited).toBe('pw-1');
    expect(await held).toBe('pw-1');
    // The waiter's read and the holder's commit: no poll.
    expect(await commandsSince(redis().url, before, 'evalsha')).toBe(2);
  });
});
