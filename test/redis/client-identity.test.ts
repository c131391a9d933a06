import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecretEvent } from '../../src/events.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { useCaches, useRedisServer } from './helpers.js';

const redis = useRedisServer();

/** Two regions, each its own endpoint, with the same secret name holding different passwords. */
let eu: LocalSecretsManager;
let us: LocalSecretsManager;
beforeAll(async () => {
  eu = await startLocalSecretsManager({
    region: 'eu-west-1',
    secrets: [{ name: 'prod/db', secretString: 'pw-eu' }],
  });
  us = await startLocalSecretsManager({
    region: 'us-east-1',
    secrets: [{ name: 'prod/db', secretString: 'pw-us' }],
  });
});
afterAll(async () => {
  await Promise.all([eu?.close(), us?.close()]);
});

const clientFor = (sm: LocalSecretsManager, region = sm.region) =>
  new SecretsManagerClient({ region, endpoint: sm.endpoint, credentials: sm.credentials, maxAttempts: 1 });
const reads = (sm: LocalSecretsManager) =>
  sm.requests.filter((request) => request.action.endsWith('SecretValue'));

describe('an injected client is shared under what it will actually call', () => {
  const cache = useCaches(redis, 'node-redis', { namespace: 'clients', scope: 'workers' });
  const process = async (client: unknown, events: SecretEvent[] = []) => {
    const made = await cache();
    return createAwsSecretsManager({
      client: client as SecretsManagerClient,
      cache: made.cache,
      onEvent: (event) => events.push(event),
    });
  };
  afterEach(() => {
    eu.resetRequests();
    us.resetRequests();
  });

  it('processes with the same scope but clients for other regions never read each other’s entries', async () => {
    const inEu = await process(clientFor(eu));
    const inUs = await process(clientFor(us));
    expect(await inEu.getSecret('prod/db')).toBe('pw-eu');
    expect(await inUs.getSecret('prod/db')).toBe('pw-us');
    expect(reads(us)).toHaveLength(1);
  });

  it('clients for the same region and endpoint still share: one read for the fleet', async () => {
    const first = await process(clientFor(eu));
    const second = await process(clientFor(eu));
    expect(await first.getSecret('prod/db')).toBe('pw-eu');
    expect(await second.getSecret('prod/db')).toBe('pw-eu');
    expect(reads(eu)).toHaveLength(1);
  });

  it('a client whose region and endpoint cannot be read is not shared, and an error event says so', async () => {
    const events: SecretEvent[] = [];
    const real = clientFor(eu);
    // A wrapper that sends through a real client but shows no config: what it calls cannot be known.
    const broken = { send: (command: never) => real.send(command) };
    const writer = await process(clientFor(eu));
    expect(await writer.getSecret('prod/db')).toBe('pw-eu');
    const unshared = await process(broken, events);
    expect(await unshared.getSecret('prod/db')).toBe('pw-eu');
    expect(reads(eu)).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'error', tier: 'shared', code: 'invalid_config' }),
    );
    expect(events.some((event) => event.type === 'hit' && event.tier === 'shared')).toBe(false);
  });
});
