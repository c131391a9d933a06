import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretLocator } from '../../src/types.js';
import { makeCache, rawClient, type TestCache, useRedisServer } from './helpers.js';

const redis = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('refresh ahead through the shared tier', () => {
  it('renews the shared entry from the provider about once per fleet before it expires: reads never wait, round trips do not multiply', async () => {
    let calls = 0;
    const provider = {
      kind: 'memory',
      identity: 'ahead',
      sharedIdentity: (digest: (text: string) => string) => digest('ahead'),
      async fetch(locator: SecretLocator) {
        calls++;
        await sleep(100);
        return { secretString: 'pw', versionId: 'v1', name: locator.secretId };
      },
    };
    const fleet: TestCache[] = [];
    for (let index = 0; index < 3; index++) {
      fleet.push(
        await makeCache('node-redis', redis().url, { namespace: 'ahead', ttlMs: 1_000, refreshAheadMs: 300 }),
      );
    }
    const raw = await rawClient(redis().url);
    try {
      const managers = fleet.map(({ cache }) => createSecretManager(provider, { cache }));
      for (const manager of managers) await manager.getSecret('prod/db');
      await raw.command(['CONFIG', 'RESETSTAT']);
      calls = 0;
      let waited = 0;
      const end = Date.now() + 4_000;
      await Promise.all(
        managers.map(async (manager) => {
          while (Date.now() < end) {
            const started = performance.now();
            await manager.getSecret('prod/db');
            if (performance.now() - started >= 80) waited++;
            await sleep(10);
          }
        }),
      );
      const stats = String(await raw.command(['INFO', 'commandstats']));
      const scripts = Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
      // Entries live 0.9–1 s and are renewed from 300 ms before: about 6 renewals in 4 s, each by one process.
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(calls).toBeLessThanOrEqual(10);
      // Without a renewal through the tier, every expiry makes each process wait (about 12 here).
      expect(waited).toBeLessThanOrEqual(4);
      // Each renewal: one read per process, the holder's commit, and a few looks while waiting for it.
      expect(scripts).toBeLessThanOrEqual(100);
    } finally {
      await raw.close();
      await Promise.all(fleet.map((made) => made.close()));
    }
  });
});
