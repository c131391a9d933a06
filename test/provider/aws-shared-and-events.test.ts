import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { createAwsSecretsManager } from '../../src/provider/aws/create-aws-secrets-manager.js';
import type { SecretEvent } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const hmac = (text: string): string => createHmac('sha256', 'k').update(text).digest('hex');

describe('the AWS provider in a fleet', () => {
  it('has a shared identity for static keys (digested) and none for the default chain without a scope', () => {
    const keyed = createAwsProvider({
      region: 'eu-west-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: CANARY,
    });
    const shared = keyed.sharedIdentity?.(hmac, undefined);
    expect(shared).toEqual(expect.stringContaining('key:'));
    expect(shared).not.toContain(CANARY);
    expect(shared).not.toContain('AKIAEXAMPLE');
    const chain = createAwsProvider({ region: 'eu-west-1' });
    expect(chain.sharedIdentity?.(hmac, undefined)).toBeUndefined();
    expect(chain.sharedIdentity?.(hmac, 'workers')).toEqual(expect.stringContaining('scope:'));
  });
});

describe('createAwsSecretsManager onEvent', () => {
  const sm = useLocalEndpoint({ secrets: [{ name: 'db', secretString: `{"password":"${CANARY}"}` }] });

  it('passes the handler to the manager: fetch events with durations, never a value', async () => {
    const events: SecretEvent[] = [];
    const { endpoint, region, credentials } = sm();
    const config = { endpoint, region, ...credentials };
    const manager = createAwsSecretsManager({ ...config, onEvent: (event) => events.push(event) });
    expect(await manager.getSecret('db:password')).toBe(CANARY);
    expect(events.map((event) => event.type)).toEqual(['miss', 'fetch']);
    expect(events[1]).toMatchObject({ secretId: 'db', tier: 'provider', versionId: expect.any(String) });
    expectNoCanary(events);
    expect(() => createAwsSecretsManager({ ...config, onEvent: 1 as never })).toThrow(/onEvent/);
  });
});
