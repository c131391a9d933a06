import { createHmac } from 'node:crypto';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it, vi } from 'vitest';
import { resolveAwsConfig } from '../../src/provider/aws/config.js';
import { awsSharedIdentity } from '../../src/provider/aws/identity.js';
import { createMemoryProvider } from '../../src/provider/memory.js';

const digest = (text: string): string => `<${Buffer.from(text).toString('hex').length}:${text.length}>`;
const keyed = (secret: string) =>
  resolveAwsConfig({ region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: secret });

describe('sharing follows trust: the identity a provider is shared under', () => {
  it('static keys: the same in every process with the same keys, region and endpoint; digested, never plain', () => {
    const hmac = (text: string): string => createHmac('sha256', 'test').update(text).digest('hex');
    const one = awsSharedIdentity(keyed('secret-one'), hmac, undefined);
    expect(one).toBe(awsSharedIdentity(keyed('secret-one'), hmac, undefined));
    expect(one).not.toBe(awsSharedIdentity(keyed('secret-two'), hmac, undefined));
    expect(one).not.toContain('secret-one');
    expect(one).not.toContain('AKIAEXAMPLE');
    const elsewhere = resolveAwsConfig({
      region: 'eu-west-1',
      endpoint: 'http://localhost:4566',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret-one',
    });
    expect(awsSharedIdentity(elsewhere, hmac, undefined)).not.toBe(one);
    expect(awsSharedIdentity(keyed('secret-one'), hmac, 'team-a')).not.toBe(one);
  });

  it('credentials from a provider or an injected client are shared only under an explicit scope', async () => {
    const chain = resolveAwsConfig({ region: 'eu-west-1' });
    const assumed = resolveAwsConfig({
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    const injected = resolveAwsConfig({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });
    for (const config of [chain, assumed, injected]) {
      expect(awsSharedIdentity(config, digest, undefined)).toBeUndefined();
      expect(await awsSharedIdentity(config, digest, 'workers')).toEqual(expect.stringContaining('scope:'));
    }
    expect(awsSharedIdentity(chain, digest, 'workers')).not.toBe(awsSharedIdentity(chain, digest, 'other'));
  });

  it("an injected client's identity holds its resolved region and endpoint, read from its config", async () => {
    const identity = (options: SecretsManagerClientConfig) =>
      awsSharedIdentity(resolveAwsConfig({ client: new SecretsManagerClient(options) }), digest, 'workers');
    const eu = await identity({ region: 'eu-west-1' });
    expect(await identity({ region: async () => 'eu-west-1' })).toBe(eu);
    expect(await identity({ region: 'us-east-1' })).not.toBe(eu);
    expect(await identity({ region: 'eu-west-1', useFipsEndpoint: true })).not.toBe(eu);
    expect(await identity({ region: 'eu-west-1', endpoint: 'http://localhost:4566' })).not.toBe(eu);
    const opaque = resolveAwsConfig({ client: { send: async () => ({}) } as never });
    await expect(awsSharedIdentity(opaque, digest, 'workers')).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'client',
    });
  });

  it('an injected client whose region never settles is refused after 5 s, naming client', async () => {
    vi.useFakeTimers();
    try {
      const hanging = resolveAwsConfig({
        client: { send: async () => ({}), config: { region: () => new Promise(() => {}) } } as never,
      });
      const outcome = Promise.resolve(awsSharedIdentity(hanging, digest, 'workers')).then(
        () => 'answered',
        (error: { code: string; option: string; message: string }) => [
          error.code,
          error.option,
          error.message,
        ],
      );
      let settled = false;
      void outcome.then(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(4_999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toEqual([
        'invalid_config',
        'client',
        expect.stringContaining('did not answer within 5 s'),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('memory providers share only under an identity given explicitly', () => {
    expect(createMemoryProvider().sharedIdentity).toBeUndefined();
    const named = createMemoryProvider({}, { identity: 'fleet' }).sharedIdentity;
    expect(named?.(digest, undefined)).toBe(
      createMemoryProvider({}, { identity: 'fleet' }).sharedIdentity?.(digest, undefined),
    );
    expect(named?.(digest, undefined)).not.toContain('fleet');
  });
});
