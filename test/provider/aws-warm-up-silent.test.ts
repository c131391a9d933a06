import { createServer, type Server } from 'node:net';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretFetchError } from '../../src/errors.js';
import type { SecretEvent } from '../../src/events.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

type Keys = { accessKeyId: string; secretAccessKey: string };

/** Waits until the warm-up has resolved the credentials (its dry run signs), then lets it finish. */
async function warmedUp(credentials: { mock: { calls: unknown[] } }): Promise<void> {
  await vi.waitFor(() => expect(credentials.mock.calls.length).toBeGreaterThan(0), { timeout: 5_000 });
  await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('the warm-up at creation, against the local endpoint', () => {
  const sm = useLocalEndpoint({ secrets: [{ name: 'db', secretString: 'warm-up-value' }] });

  it('signs a dry run early (the credentials are resolved) yet sends nothing, counts nothing, emits nothing', async () => {
    // Prepare
    const { endpoint, region, credentials: keys } = sm();
    const credentials = vi.fn(async (): Promise<Keys> => keys);
    const events: SecretEvent[] = [];

    // Act
    const manager = createAwsSecretsManager({
      endpoint,
      region,
      credentials,
      onEvent: (e) => events.push(e),
    });
    await warmedUp(credentials);

    // Assess
    expect(sm().requests).toHaveLength(0);
    expect(manager.stats().apiCalls).toBe(0);
    expect(events).toEqual([]);
    expect(await manager.getSecret('db')).toBe('warm-up-value');
    expect(sm().requests).toHaveLength(1);
    expect(manager.stats().apiCalls).toBe(1);
    expect(credentials).toHaveBeenCalledTimes(1);
  });

  it('a credential provider that fails at the warm-up is asked again by the first call, which succeeds', async () => {
    // Prepare
    const { endpoint, region, credentials: keys } = sm();
    let calls = 0;
    const credentials = vi.fn(async (): Promise<Keys> => {
      calls += 1;
      if (calls === 1) throw new Error('the credential source is not ready yet');
      return keys;
    });

    // Act
    const manager = createAwsSecretsManager({ endpoint, region, credentials });
    await warmedUp(credentials);

    // Assess
    expect(await manager.getSecret('db')).toBe('warm-up-value');
    expect(credentials).toHaveBeenCalledTimes(2);
    expect(sm().requests).toHaveLength(1);
  });

  it('a credential provider that always fails: the warm-up is silent, the first call reports it', async () => {
    // Prepare
    const { endpoint, region } = sm();
    const credentials = vi.fn(async (): Promise<Keys> => {
      throw new Error('no credentials configured');
    });

    // Act
    const manager = createAwsSecretsManager({ endpoint, region, credentials, maxAttempts: 1 });
    await warmedUp(credentials);
    const error = await manager.getSecret('db').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SecretFetchError);
    expect(credentials).toHaveBeenCalledTimes(2);
    expect(sm().requests).toHaveLength(0);
  });
});

describe('the warm-up at creation, without the local endpoint', () => {
  let server: Server | undefined;
  let smMock: ReturnType<typeof mockClient> | undefined;

  afterEach(async () => {
    smMock?.restore();
    smMock = undefined;
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('opens no connection to the endpoint', async () => {
    // Prepare
    let connections = 0;
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const credentials = vi.fn(
      async (): Promise<Keys> => ({ accessKeyId: 'AKIANET', secretAccessKey: 'net-key' }),
    );

    // Act
    const manager = createAwsSecretsManager({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials,
      maxAttempts: 1,
    });
    await warmedUp(credentials);
    const before = connections;
    await manager.getSecret('db').catch(() => undefined);

    // Assess
    expect(before).toBe(0);
    expect(connections).toBeGreaterThan(0);
  });

  it('is not seen by aws-sdk-client-mock: no call is recorded before the first read', async () => {
    // Prepare
    const mock = mockClient(SecretsManagerClient);
    smMock = mock;
    mock
      .on(GetSecretValueCommand)
      .resolves({ Name: 'db', SecretString: 'mocked', VersionStages: ['AWSCURRENT'] });
    const credentials = vi.fn(
      async (): Promise<Keys> => ({ accessKeyId: 'AKIAMOCK', secretAccessKey: 'mock-key' }),
    );

    // Act
    const manager = createAwsSecretsManager({ region: 'us-east-1', credentials });
    await warmedUp(credentials);
    const before = mock.calls().length;
    const value = await manager.getSecret('db');

    // Assess
    expect(before).toBe(0);
    expect(value).toBe('mocked');
    expect(mock.calls()).toHaveLength(1);
    expect(mock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(0);
  });

  it('leaves an injected client alone: its middleware is not run', async () => {
    // Prepare
    const credentials = vi.fn(
      async (): Promise<Keys> => ({ accessKeyId: 'AKIAMINE', secretAccessKey: 'my-key' }),
    );
    const client = new SecretsManagerClient({ region: 'us-east-1', credentials });
    const clone = vi.spyOn(client.middlewareStack, 'clone');
    const send = vi.spyOn(client, 'send');

    // Act
    const manager = createAwsSecretsManager({ client });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(clone).not.toHaveBeenCalled();
    expect(credentials).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    expect(manager.stats().apiCalls).toBe(0);
  });
});
