import { afterEach, describe, expect, it } from 'vitest';
import type { SecretEvent } from '../../src/events.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { withConnection } from '../../src/rotation/with-connection.js';
import type { SecretLocator, SecretProvider } from '../../src/types.js';
import { type DelayProxy, startDelayProxy } from '../support/delay-proxy.js';
import {
  closeClient,
  connectClient,
  KEY_A,
  KEY_B,
  rawClient,
  until,
  useCaches,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What AWS holds now: one secret, rotated by the test. */
interface Store {
  value: string;
  version: string;
}

/**
 * A provider shared under one identity whose answer is what AWS held when the call began, delivered after
 * `delayMs` (a slow call), as each process of the fleet has its own.
 */
function provider(store: Store, delayMs = () => 0): SecretProvider & { calls: number } {
  const made = {
    kind: 'memory',
    identity: 'ordered',
    calls: 0,
    sharedIdentity: (digest: (text: string) => string) => digest('ordered'),
    async fetch(locator: SecretLocator) {
      made.calls++;
      const seen = { ...store };
      await sleep(delayMs());
      return { secretString: seen.value, versionId: seen.version, name: locator.secretId };
    },
    apiCalls: () => made.calls,
  };
  return made;
}

describe('the shared tier never serves an older value', () => {
  const proxies: DelayProxy[] = [];
  const clients: unknown[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await Promise.all(clients.splice(0).map(closeClient));
  });
  // Registered after the hook above, so it runs before it: the caches close before the proxies they may use.
  const cache = useCaches(redis, 'node-redis', { namespace: 'ordering' });
  const member = async (store: Store, options: { delayMs?: () => number; cache?: object } = {}) => {
    const made = await cache(options.cache);
    const events: SecretEvent[] = [];
    const source = provider(store, options.delayMs);
    const manager = createSecretManager(source, {
      cache: made.cache,
      onEvent: (event) => events.push(event),
    });
    return { ...made, manager, source, events };
  };
  /** A member whose subscriber reaches Redis through a proxy: the test delays its bus by setting `proxy.delayMs`. */
  const memberBehindProxy = async (store: Store) => {
    const proxy = await startDelayProxy(redis().port, 0);
    proxies.push(proxy);
    const subscriber = await connectClient('node-redis', proxy.url);
    clients.push(subscriber);
    return { caller: await member(store, { cache: { subscriber } }), proxy };
  };

  it('a slow lease holder never writes its older version over a newer one a later read wrote', async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    // Slower than the four leases a waiter gives a holder (200 ms each), counted from its first answer.
    const slow = await member(aws, { delayMs: () => 1_500, cache: { leaseMs: 200 } });
    const fast = await member(aws, { cache: { leaseMs: 200 } });
    const slowRead = slow.manager.getSecret('prod/db');
    await until(() => slow.source.calls === 1);
    aws.value = 'pw-2';
    aws.version = 'v2';
    // The fast process waits out the lease, reads v2 and writes it; the slow one then commits v1.
    expect(await fast.manager.getSecret('prod/db')).toBe('pw-2');
    expect(await slowRead).toBe('pw-1');
    await sleep(100);
    const late = await member(aws);
    expect(await late.manager.getSecret('prod/db')).toBe('pw-2');
    expect(late.source.calls).toBe(0);
  });

  it('a read past the caches drops the shared entry in every process even when this process held no copy', async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    const writer = await member(aws);
    expect(await writer.manager.getSecret('prod/db')).toBe('pw-1');
    const rereader = await member(aws);
    aws.value = 'pw-2';
    aws.version = 'v2';
    expect(await rereader.manager.getSecret('prod/db', { refresh: true })).toBe('pw-2');
    const late = await member(aws);
    await until(async () => (await late.manager.getSecret('prod/db')) === 'pw-2', 2_000);
    await until(async () => (await writer.manager.getSecret('prod/db')) === 'pw-2', 2_000);
  });

  it("withConnection's re-read reaches the fleet when the copy was evicted during use", async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    const writer = await member(aws);
    expect(await writer.manager.getSecret('prod/db')).toBe('pw-1');
    const worker = await member(aws, { cache: { maxSize: 1 } });
    const seen: string[] = [];
    const result = await withConnection(
      { password: '{{resolve:secretsmanager:prod/db}}' },
      worker.manager,
      async (resolved, { attempt }) => {
        seen.push(resolved.password);
        if (attempt === 1) {
          aws.value = 'pw-2';
          aws.version = 'v2';
          await worker.manager.getSecret('other/secret'); // evicts prod/db from this process (maxSize 1)
          throw Object.assign(new Error('password authentication failed'), { code: '28P01' });
        }
        return 'connected';
      },
    );
    expect(result).toBe('connected');
    expect(seen).toEqual(['pw-1', 'pw-2']);
    const late = await member(aws);
    await until(async () => (await late.manager.getSecret('prod/db')) === 'pw-2', 2_000);
  });

  for (const how of ['invalidateSecret', 'clearNamespace'] as const) {
    it(`${how}() has cleared the caller's own copies when it resolves, however late its bus message comes`, async () => {
      const aws: Store = { value: 'pw-1', version: 'v1' };
      const { caller, proxy } = await memberBehindProxy(aws);
      expect(await caller.manager.getSecret('prod/db')).toBe('pw-1');
      proxy.delayMs = 300;
      aws.value = 'pw-2';
      aws.version = 'v2';
      if (how === 'invalidateSecret') await caller.cache.invalidateSecret('prod/db');
      else await caller.cache.clearNamespace();
      expect(await caller.manager.getSecret('prod/db')).toBe('pw-2');
    });
  }

  it("a manager's invalidate has cleared its own copies by the time Redis recorded it, with a late bus", async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    const { caller, proxy } = await memberBehindProxy(aws);
    const other = await member(aws);
    expect(await caller.manager.getSecret('prod/db')).toBe('pw-1');
    proxy.delayMs = 300;
    aws.value = 'pw-2';
    aws.version = 'v2';
    caller.manager.invalidate('prod/db');
    // Another process's read right after finds nothing in Redis, and so does the caller's.
    expect(await other.manager.getSecret('prod/db')).toBe('pw-2');
    expect(await caller.manager.getSecret('prod/db')).toBe('pw-2');
  });

  it('a shared entry that fails to verify is a miss, an error event with a code and never a value, and a count', async () => {
    const aws: Store = { value: 'canary-9f3e-value', version: 'v1' };
    const writer = await member(aws);
    expect(await writer.manager.getSecret('prod/db')).toBe('canary-9f3e-value');
    const raw = await rawClient(redis().url);
    const [entry] = (await raw.command(['KEYS', 'secret-refs:{ordering}:e:*'])) as string[];
    const text = String(await raw.command(['GET', entry!]));
    const at = text.length - 10;
    const flipped = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    await raw.command(['SET', entry!, flipped, 'KEEPTTL']);
    await raw.close();
    const reader = await member(aws);
    expect(await reader.manager.getSecret('prod/db')).toBe('canary-9f3e-value');
    expect(reader.source.calls).toBe(1);
    const errors = reader.events.filter((event) => event.type === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ tier: 'shared', code: 'decryption_failed', secretId: 'prod/db' }),
    ]);
    expect(JSON.stringify(reader.events)).not.toContain('canary-9f3e');
    expect(reader.manager.stats().sharedRejected).toBe(1);
    expect(writer.manager.stats().sharedRejected).toBe(0);
  });

  it('a shared entry past its own expiry that Redis still holds is a plain miss, not reported as rejected', async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    const writer = await member(aws, { cache: { ttlMs: 300, jitter: 0 } });
    expect(await writer.manager.getSecret('prod/db')).toBe('pw-1');
    const raw = await rawClient(redis().url);
    const [entry] = (await raw.command(['KEYS', 'secret-refs:{ordering}:e:*'])) as string[];
    // Redis keeps the entry past the expiry sealed into it (as with a writer whose clock runs ahead).
    await raw.command(['PERSIST', entry!]);
    await raw.close();
    await sleep(400);
    const reader = await member(aws, { cache: { ttlMs: 300, jitter: 0 } });
    expect(await reader.manager.getSecret('prod/db')).toBe('pw-1');
    expect(reader.source.calls).toBe(1);
    expect(reader.events.filter((event) => event.type === 'error')).toEqual([]);
    expect(reader.manager.stats().sharedRejected).toBe(0);
  });

  it('a process with another encryption key shares nothing with the fleet and reports nothing rejected', async () => {
    const aws: Store = { value: 'pw-1', version: 'v1' };
    const writer = await member(aws);
    expect(await writer.manager.getSecret('prod/db')).toBe('pw-1');
    const stranger = await member(aws, { cache: { encryptionKey: KEY_B } });
    expect(await stranger.manager.getSecret('prod/db')).toBe('pw-1');
    expect(stranger.source.calls).toBe(1);
    expect(stranger.manager.stats().sharedRejected).toBe(0);
    expect(KEY_A).not.toBe(KEY_B);
  });
});
