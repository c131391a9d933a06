import { afterEach, describe, expect, it } from 'vitest';
import type { SecretEvent } from '../../src/events.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { connectionOf } from '../../src/redis/client.js';
import { deriveKey } from '../../src/redis/crypto.js';
import { createRedisTier, type RedisTier, type TierProblem } from '../../src/redis/redis-tier.js';
import { MAX_ENTRY_CHARS } from '../../src/redis/scripts.js';
import { subscriberOf } from '../../src/redis/subscriber.js';
import {
  closeClient,
  connectClient,
  FLAVOURS,
  flushRedis,
  isMiss,
  KEY_A,
  makeCache,
  rawClient,
  until,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const provider = createMemoryProvider({}, { identity: 'fleet' });

describe.each(FLAVOURS)('a value in Redis larger than any entry the tier writes (%s)', (flavour) => {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await flushRedis(redis().url);
    await Promise.all(open.splice(0).map((close) => close()));
  });

  async function tier(): Promise<{ tier: RedisTier; problems: TierProblem[] }> {
    const client = await connectClient(flavour, redis().url);
    const problems: TierProblem[] = [];
    const connection = connectionOf(client, 'client');
    const made = createRedisTier({
      connection,
      subscriber: subscriberOf(client, undefined, connection),
      keys: [deriveKey(Buffer.from(KEY_A, 'base64'))],
      namespace: `cap-${flavour}`,
      scope: undefined,
      ttlMs: 60_000,
      jitter: 0,
      leaseMs: 500,
      operationTimeoutMs: 2_000,
      onProblem: (kind) => problems.push(kind),
    });
    open.push(async () => {
      await made.close();
      await closeClient(client);
    });
    await until(() => made.listening);
    return { tier: made, problems };
  }

  /** Commits an entry and returns its key in Redis. */
  async function committedKey(made: RedisTier, scope: string, secretString: string): Promise<string> {
    const [miss] = await made.read(scope, [{ secretId: 'prod/db' }]);
    if (isMiss(miss)) miss.commit({ secretString, name: 'prod/db' });
    await until(async () => (await made.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    const raw = await rawClient(redis().url);
    const [, keys] = (await raw.command(['SCAN', '0', 'MATCH', '*:e:*', 'COUNT', '1000'])) as [
      string,
      string[],
    ];
    await raw.close();
    expect(keys).toHaveLength(1);
    return keys[0]!;
  }

  it('is a reported miss, never sent to the process, and the next commit replaces it', async () => {
    const { tier: made, problems } = await tier();
    const scope = made.scopeOf(provider) as string;
    const key = await committedKey(made, scope, 'pw-1');
    const raw = await rawClient(redis().url);
    await raw.command(['SETRANGE', key, String(64 * 1024 * 1024 - 1), 'x']);
    const sentBefore = await netOutput(raw);
    const [read] = await made.read(scope, [{ secretId: 'prod/db' }]);
    const sent = (await netOutput(raw)) - sentBefore;
    expect(read).toMatchObject({ hit: false, rejected: true });
    expect(problems).toEqual(['oversized']);
    expect(sent).toBeLessThan(64 * 1024);
    if (isMiss(read)) read.commit({ secretString: 'pw-2', name: 'prod/db' });
    await until(async () => (await made.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    expect(Number(await raw.command(['STRLEN', key]))).toBeLessThan(1_000);
    await raw.close();
  });

  it('refuses one character past the largest entry, and shares the largest secret AWS stores', async () => {
    const { tier: made, problems } = await tier();
    const scope = made.scopeOf(provider) as string;
    // 64 KiB of a character JSON escapes to six: the largest plaintext an AWS secret makes.
    const largest = '\u0001'.repeat(65_536);
    const key = await committedKey(made, scope, largest);
    const [hit] = await made.read(scope, [{ secretId: 'prod/db' }]);
    expect(hit?.hit && hit.payload.secretString === largest).toBe(true);
    const raw = await rawClient(redis().url);
    expect(Number(await raw.command(['STRLEN', key]))).toBeLessThanOrEqual(MAX_ENTRY_CHARS);
    await raw.command(['SET', key, 'A'.repeat(MAX_ENTRY_CHARS + 1)]);
    await raw.close();
    const [read] = await made.read(scope, [{ secretId: 'prod/db' }]);
    expect(read?.hit).toBe(false);
    expect(problems).toEqual(['oversized']);
  });

  it('never blocks the next commit, whatever fetch order its text begins with', async () => {
    const { tier: made, problems } = await tier();
    const scope = made.scopeOf(provider) as string;
    const key = await committedKey(made, scope, 'pw-1');
    const raw = await rawClient(redis().url);
    // The highest order there is: as an entry the tier wrote, no later commit could replace it.
    await raw.command(['SET', key, `${'9'.repeat(20)}.${'A'.repeat(MAX_ENTRY_CHARS)}`]);
    const [read] = await made.read(scope, [{ secretId: 'prod/db' }]);
    expect(read).toMatchObject({ hit: false, rejected: true });
    if (isMiss(read)) read.commit({ secretString: 'pw-2', name: 'prod/db' });
    await until(async () => (await made.read(scope, [{ secretId: 'prod/db' }]))[0]!.hit);
    expect(Number(await raw.command(['STRLEN', key]))).toBeLessThan(1_000);
    expect(problems).toEqual(['oversized']);
    await raw.close();
  });

  it('is read from the provider by a manager, with an error event and a count, never a value', async () => {
    const made = await makeCache(flavour, redis().url, { namespace: `cap-${flavour}` });
    open.push(made.close);
    const source = createMemoryProvider({ 'prod/db': 'canary-51ze-value' }, { identity: 'fleet' });
    const writer = createSecretManager(source, { cache: made.cache });
    expect(await writer.getSecret('prod/db')).toBe('canary-51ze-value');
    const raw = await rawClient(redis().url);
    const [entry] = (await raw.command(['KEYS', `secret-refs:{cap-${flavour}}:e:*`])) as string[];
    await raw.command(['SET', entry!, 'A'.repeat(MAX_ENTRY_CHARS + 1), 'KEEPTTL']);
    await raw.close();
    const other = await makeCache(flavour, redis().url, { namespace: `cap-${flavour}` });
    open.push(other.close);
    const events: SecretEvent[] = [];
    const reader = createSecretManager(source, {
      cache: other.cache,
      onEvent: (event) => events.push(event),
    });
    const calls = source.apiCalls();
    expect(await reader.getSecret('prod/db')).toBe('canary-51ze-value');
    expect(source.apiCalls()).toBe(calls + 1);
    expect(events.filter((event) => event.type === 'error')).toEqual([
      expect.objectContaining({ tier: 'shared', code: 'decryption_failed', secretId: 'prod/db' }),
    ]);
    expect(JSON.stringify(events)).not.toContain('canary-51ze');
    expect(reader.stats().sharedRejected).toBe(1);
  });
});

async function netOutput(raw: { command(args: string[]): Promise<unknown> }): Promise<number> {
  const info = String(await raw.command(['INFO', 'stats']));
  return Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1]);
}
