import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { FLAVOURS, until, useCaches, useRedisServer } from './helpers.js';

const redis = useRedisServer();

describe.each(FLAVOURS)('a process that has seen many provider identities (%s)', (flavour) => {
  const cache = useCaches(redis, flavour, { namespace: `ids-${flavour}` });

  it('handles one invalidation as one, not once per identity ever seen', async () => {
    const [worker, operator] = [await cache(), await cache()];
    for (let tenant = 0; tenant < 2_000; tenant++) {
      worker.tier.scopeOf(createMemoryProvider({}, { identity: `tenant-${tenant}` }));
    }
    worker.heard.length = 0;
    await operator.cache.invalidateSecret('app/db');
    await until(() => worker.heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.heard).toHaveLength(1);
    const provider = createMemoryProvider({}, { identity: 'tenant-1999' });
    worker.heard.length = 0;
    operator.tier.invalidate(operator.tier.scopeOf(provider) as string, 'app/db');
    await until(() => worker.heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.heard.map((message) => message.scope)).toEqual([worker.tier.scopeOf(provider)]);
  });

  it('remembers a bounded number of identities, and still hears the invalidations of those it uses', async () => {
    const [worker, operator] = [await cache({ maxSize: 10 }), await cache()];
    const provider = createMemoryProvider({ 'app/db': 'v1' }, { identity: 'tenant-kept' });
    const manager = createSecretManager(provider, { cache: worker.cache });
    expect(await manager.getSecret('app/db')).toBe('v1');
    const scope = worker.tier.scopeOf(provider);
    worker.heard.length = 0;
    for (let tenant = 0; tenant < 100; tenant++) {
      worker.tier.scopeOf(createMemoryProvider({}, { identity: `tenant-${tenant}` }));
    }
    // Forgotten, and with it what the process held of it (its bus messages could no longer be recognised).
    expect(worker.heard.some((message) => message.scope === scope)).toBe(true);
    provider.setSecret('app/db', 'v2');
    expect(await manager.getSecret('app/db')).toBe('v1'); // from Redis: the entry there is still fresh
    provider.setSecret('app/db', 'v3');
    await operator.cache.invalidateSecret('app/db');
    await until(async () => (await manager.getSecret('app/db')) === 'v3');
  });
});
