import * as sdk from '@aws-sdk/client-secrets-manager';
import { describe, expect, it, vi } from 'vitest';
import { warmUpClient } from '../../src/provider/aws/warm-up.js';

type Sdk = typeof import('@aws-sdk/client-secrets-manager');

const KEYS = {
  accessKeyId: 'AKIAWARMUPTEST000001',
  secretAccessKey: 'warm/up/test/secret/key/0000000000000000',
};

function clientWith(credentials: () => Promise<typeof KEYS>): sdk.SecretsManagerClient {
  return new sdk.SecretsManagerClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials });
}

/** An SDK whose two commands record their construction. */
function recordingSdk(built: string[]): Sdk {
  class Batch extends sdk.BatchGetSecretValueCommand {
    constructor(input: sdk.BatchGetSecretValueCommandInput) {
      super(input);
      built.push('BatchGetSecretValue');
    }
  }
  class One extends sdk.GetSecretValueCommand {
    constructor(input: sdk.GetSecretValueCommandInput) {
      super(input);
      built.push('GetSecretValue');
    }
  }
  return { ...sdk, BatchGetSecretValueCommand: Batch, GetSecretValueCommand: One } as Sdk;
}

describe('warmUpClient: a dry run through the middleware that sends nothing', () => {
  it('resolves the credentials and signs, without calling the HTTP handler or send, and leaves the client as it was', async () => {
    // Prepare
    const credentials = vi.fn(async () => KEYS);
    const client = clientWith(credentials);
    const handle = vi.spyOn(client.config.requestHandler, 'handle');
    const send = vi.spyOn(client, 'send');
    const stackBefore = client.middlewareStack.identify();
    const offsetBefore = client.config.systemClockOffset;
    const built: string[] = [];

    // Act
    await warmUpClient(recordingSdk(built), client, () => true);

    // Assess
    expect(built).toEqual(['BatchGetSecretValue', 'GetSecretValue']);
    expect(credentials).toHaveBeenCalledTimes(1);
    expect(handle).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    expect(client.middlewareStack.identify()).toEqual(stackBefore);
    expect(client.config.systemClockOffset).toBe(offsetBefore);
    client.destroy();
  });

  it('does nothing once a real call has started, and stops between its two dry runs', async () => {
    // Prepare
    const credentials = vi.fn(async () => KEYS);
    const client = clientWith(credentials);
    const none: string[] = [];
    const one: string[] = [];
    let idle = true;

    // Act
    await warmUpClient(recordingSdk(none), client, () => false);
    const afterNone = credentials.mock.calls.length;
    await warmUpClient(recordingSdk(one), client, () => {
      const was = idle;
      idle = false;
      return was;
    });

    // Assess
    expect(none).toEqual([]);
    expect(afterNone).toBe(0);
    expect(one).toEqual(['BatchGetSecretValue']);
    client.destroy();
  });

  it('never rejects: a credential provider that throws, a client that cannot resolve its middleware', async () => {
    // Prepare
    const failing = vi.fn(async (): Promise<typeof KEYS> => {
      throw new Error('no credentials here');
    });
    const client = clientWith(failing);
    const broken = {
      middlewareStack: {
        clone: () => {
          throw new Error('broken stack');
        },
      },
    } as unknown as sdk.SecretsManagerClient;

    // Act
    const outcomes = await Promise.allSettled([
      warmUpClient(sdk, client, () => true),
      warmUpClient(sdk, broken, () => true),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(failing).toHaveBeenCalled();
    client.destroy();
  });
});
