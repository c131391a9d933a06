import { describe, expect, it } from 'vitest';
import { createMemoryProvider } from '../../src/provider/memory.js';
import {
  FLAVOURS,
  isMiss,
  KEY_A,
  KEY_B,
  type TestCache,
  until,
  useCaches,
  useRedisServer,
} from './helpers.js';

const redis = useRedisServer();
const provider = createMemoryProvider({}, { identity: 'fleet' });

describe.each(FLAVOURS)('what a fleet-wide invalidation reports (%s)', (flavour) => {
  const cache = useCaches(redis, flavour, { namespace: `report-${flavour}` });

  async function commit(made: TestCache, secretId: string, versionStage?: string): Promise<void> {
    const scope = made.tier.scopeOf(provider) as string;
    const locator = versionStage === undefined ? { secretId } : { secretId, versionStage };
    const [miss] = await made.tier.read(scope, [locator]);
    if (isMiss(miss)) miss.commit({ secretString: 'pw', name: secretId });
    await until(async () => (await made.tier.read(scope, [locator]))[0]!.hit);
  }

  it('counts the entries removed and the other processes told, and confirms the key is in use', async () => {
    const [worker, other, operator] = [await cache(), await cache(), await cache()];
    await commit(worker, 'prod/db');
    await commit(worker, 'prod/db', 'AWSPREVIOUS');
    await commit(worker, 'prod/api');
    expect(await operator.cache.invalidateSecret('prod/db')).toEqual({
      removed: 2,
      processes: 2,
      keyInUse: 'yes',
    });
    expect(await operator.cache.invalidateSecret('prod/db')).toEqual({
      removed: 0,
      processes: 2,
      keyInUse: 'yes',
    });
    expect(await other.cache.clearNamespace()).toEqual({ removed: 0, processes: 2, keyInUse: 'yes' });
  });

  it('says when no process reading the namespace uses the key, and when no process reads it at all', async () => {
    const operator = await cache({ encryptionKey: KEY_B });
    expect(await operator.cache.invalidateSecret('prod/db')).toMatchObject({ keyInUse: 'unused' });
    const worker = await cache({ encryptionKey: KEY_A });
    await commit(worker, 'prod/db');
    // Under another key, even the entries in Redis are out of reach: their names are keyed.
    expect(await operator.cache.invalidateSecret('prod/db')).toEqual({
      removed: 0,
      processes: 1,
      keyInUse: 'other-key',
    });
    expect(await operator.cache.clearNamespace()).toMatchObject({ keyInUse: 'other-key' });
    // A process holding both keys (a rotation) is told by either.
    const rotating = await cache({ encryptionKey: [KEY_B, KEY_A] });
    await rotating.tier.read(rotating.tier.scopeOf(provider) as string, [{ secretId: 'prod/x' }]);
    await until(async () => (await operator.cache.clearNamespace()).keyInUse === 'yes');
  });
});
