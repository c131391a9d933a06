import { afterEach, describe, expect, it } from 'vitest';
import type { SecretEvent } from '../../src/events.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { invalidateFromEventBridge } from '../../src/rotation/eventbridge.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { makeCache, rawClient, type TestCache, until, useRedisServer } from './helpers.js';

const redis = useRedisServer();
/** `/app/shared` is both a secret and a SecureString parameter: three reads, three different answers. */
const endpoint = useLocalEndpoint({
  secrets: [{ name: '/app/shared', secretString: 'secret-value' }],
  parameters: [
    { name: '/app/url', value: 'https://v1.example' },
    { name: '/app/shared', type: 'SecureString', value: CANARY },
  ],
});

const parameterReads = () => endpoint().requests.filter((request) => request.service === 'ssm');
const secretReads = () => endpoint().requests.filter((request) => request.service === 'secretsmanager');

function changeEvent(name: string) {
  return {
    version: '0',
    source: 'aws.ssm',
    'detail-type': 'Parameter Store Change',
    account: '123456789012',
    region: endpoint().region,
    resources: [endpoint().parameterArnOf(name)],
    detail: { name, type: 'String', operation: 'Update' },
  };
}

describe('Parameter Store references through the Redis tier', () => {
  const open: TestCache[] = [];
  /** One process of a fleet: its own Redis client and cache, its own manager, the same credentials. */
  const process = async (events: SecretEvent[] = []): Promise<SecretManager> => {
    const made = await makeCache('node-redis', redis().url, { namespace: 'parameters' });
    open.push(made);
    const sm = endpoint();
    return createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      ssmEndpoint: sm.endpoint,
      ...sm.credentials,
      maxAttempts: 1,
      cache: made.cache,
      onEvent: (event) => events.push(event),
    });
  };
  afterEach(async () => {
    const raw = await rawClient(redis().url);
    await raw.command(['FLUSHALL']);
    await raw.close();
    await Promise.all(open.splice(0).map((made) => made.close()));
    endpoint().putParameter({ name: '/app/url', value: 'https://v1.example' });
  });

  it('a second process reads an ssm reference from Redis without calling Parameter Store', async () => {
    const events: SecretEvent[] = [];
    const [first, second] = [await process(), await process(events)];
    expect(await first.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
    expect(parameterReads()).toHaveLength(1);
    expect(await second.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
    expect(parameterReads()).toHaveLength(1);
    expect(second.stats().apiCalls).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'hit', tier: 'shared' }));
  });

  it('ssm, ssm-secure and a secret of the same name never share an entry, in either order', async () => {
    const [writer, reader] = [await process(), await process()];
    expect(await writer.getSecret('{{resolve:ssm-secure:/app/shared}}')).toBe(CANARY);
    expect(await writer.getSecret('{{resolve:secretsmanager:/app/shared}}')).toBe('secret-value');
    // A SecureString's value committed by an ssm-secure read must never answer an ssm read of it.
    const refused = await reader.getSecret('{{resolve:ssm:/app/shared}}').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ message: expect.stringContaining('ssm-secure') });
    expectNoCanary(refused);
    expect(await reader.getSecret('{{resolve:secretsmanager:/app/shared}}')).toBe('secret-value');
    expect(await reader.getSecret('{{resolve:ssm-secure:/app/shared}}')).toBe(CANARY);
    expect(parameterReads().map((request) => request.secretIds)).toEqual([['/app/shared'], ['/app/shared']]);
    expect(secretReads()).toHaveLength(1);

    // The other order, on an empty Redis: the secret and the refused ssm read first, then ssm-secure elsewhere.
    const raw = await rawClient(redis().url);
    await raw.command(['FLUSHALL']);
    await raw.close();
    const [early, late] = [await process(), await process()];
    expect(await early.getSecret('{{resolve:secretsmanager:/app/shared}}')).toBe('secret-value');
    await expect(early.getSecret('{{resolve:ssm:/app/shared}}')).rejects.toThrow('ssm-secure');
    expect(await late.getSecret('{{resolve:ssm-secure:/app/shared}}')).toBe(CANARY);
    expect(parameterReads()).toHaveLength(4);
  });

  it('invalidate of a parameter in one process makes another read the new version', async () => {
    const [first, second] = [await process(), await process()];
    for (const manager of [first, second]) {
      expect(await manager.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
      expect(await manager.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v1.example');
    }
    endpoint().putParameter({ name: '/app/url', value: 'https://v2.example' });
    expect(await second.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
    first.invalidate('{{resolve:ssm:/app/url}}');
    await until(async () => (await second.getSecret('{{resolve:ssm:/app/url}}')) === 'https://v2.example');
    expect(await second.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v2.example');
  });

  it('a Parameter Store Change event handled by one process reaches the others, for ssm and ssm-secure reads', async () => {
    const [handler, worker] = [await process(), await process()];
    expect(await worker.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
    expect(await worker.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v1.example');
    expect(await worker.getSecret('{{resolve:secretsmanager:/app/shared}}')).toBe('secret-value');
    endpoint().putParameter({ name: '/app/url', value: 'https://v2.example' });

    expect(invalidateFromEventBridge(changeEvent('/app/url'), handler)).toMatchObject({ handled: true });

    await until(async () => (await worker.getSecret('{{resolve:ssm:/app/url}}')) === 'https://v2.example');
    expect(await worker.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v2.example');
    // The secret that shares a name with no changed parameter is still served from the caches.
    const before = secretReads().length;
    expect(await worker.getSecret('{{resolve:secretsmanager:/app/shared}}')).toBe('secret-value');
    expect(secretReads()).toHaveLength(before);
  });
});
