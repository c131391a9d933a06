import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import {
  dumpRedis,
  FLAVOURS,
  KEY_A,
  makeCache,
  rawClient,
  type TestCache,
  until,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const NAME = 'prod/payments/stripe-live-key';
const ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${NAME}-AbCdEf`;

describe('nothing readable in Redis, its keys or its messages', () => {
  const heard: string[] = [];
  let listener: ReturnType<typeof createClient>;
  const caches: TestCache[] = [];
  beforeAll(async () => {
    listener = createClient({ url: redis().url });
    listener.on('error', () => {});
    await listener.connect();
    await listener.pSubscribe('*', (message, channel) => heard.push(`${channel} ${message}`));
    for (const flavour of FLAVOURS)
      caches.push(await makeCache(flavour, redis().url, { namespace: 'leaks' }));
  });
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
    listener.destroy();
  });

  it('the canary, the secret name, its ARN and the encryption key appear in no key, value, dump or message', async () => {
    const provider = createMemoryProvider(
      { [NAME]: JSON.stringify({ password: CANARY }), binary: new TextEncoder().encode(CANARY) },
      { identity: 'leaks', region: 'eu-west-1' },
    );
    const managers = caches.map((cache) => createSecretManager(provider, { cache: cache.cache }));
    expect(await managers[0]!.getSecret(`${NAME}:password`)).toBe(CANARY);
    expect(new TextDecoder().decode(await managers[0]!.getSecretBinary('binary'))).toBe(CANARY);
    expect(await managers[1]!.getSecret(`${NAME}:password`)).toBe(CANARY);
    expect(provider.apiCalls()).toBe(2);
    managers[1]!.invalidate(NAME);
    managers[0]!.invalidate();
    await caches[0]!.cache.invalidateSecret(ARN);
    await caches[1]!.cache.clearNamespace();
    await until(() => heard.length >= 4);
    expect(await managers[1]!.getSecret(`${NAME}:password`)).toBe(CANARY);

    const raw = await rawClient(redis().url);
    const dump = await dumpRedis(raw);
    await raw.close();
    const decoded = dump
      .split(/[\s"[\],]+/)
      .map((part) => Buffer.from(part, 'base64').toString('latin1'))
      .join('\n');
    const everything = `${dump}\n${decoded}\n${heard.join('\n')}`;
    expect(dump).toContain('secret-refs:{leaks}:e:');
    for (const needle of [
      CANARY,
      NAME,
      ARN,
      ARN.slice(0, -7),
      'eu-west-1',
      '123456789012',
      KEY_A,
      'leaks|',
      'memory|',
    ]) {
      expect(everything, needle).not.toContain(needle);
    }
    for (const cache of caches) expectNoCanary(cache.cache);
  });
});
