import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretEvent } from '../../src/events.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
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
    expect(events.map((event) => event.type)).toEqual(['miss', 'request', 'fetch']);
    expect(events[2]).toMatchObject({ secretId: 'db', tier: 'provider', versionId: expect.any(String) });
    expectNoCanary(events);
    expect(() => createAwsSecretsManager({ ...config, onEvent: 1 as never })).toThrow(/onEvent/);
  });

  it('tells each AWS call as a request event: action, ids asked, region, host, status, request id, attempts', async () => {
    // Prepare: one throttled answer, then the real one
    const events: SecretEvent[] = [];
    const { endpoint, region, credentials } = sm();
    sm().injectFault({ kind: 'throttle', times: 1 });
    const manager = createAwsSecretsManager({
      endpoint,
      region,
      ...credentials,
      onEvent: (event) => events.push(event),
    });
    // Act
    await manager.getSecrets(['db:password', 'missing']);
    await expect(manager.getSecret('other')).rejects.toThrow();
    // Assess
    const requests = events.filter((event) => event.type === 'request');
    const host = new URL(endpoint).host;
    expect(requests[0]?.request).toEqual({
      service: 'secretsmanager',
      action: 'BatchGetSecretValue',
      ids: 2,
      region,
      host,
      status: 200,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      attempts: 2,
      retryDelayMs: expect.any(Number),
    });
    expect(requests[0]?.durationMs).toBeGreaterThan(0);
    expect(requests.at(-1)?.request).toMatchObject({
      action: 'GetSecretValue',
      ids: 1,
      status: 400,
      requestId: expect.any(String),
      attempts: 1,
      error: 'ResourceNotFoundException',
    });
    expectNoCanary(events);
    expect(JSON.stringify(events)).not.toContain(credentials.secretAccessKey);
  });

  it('tells nothing of the warm-up dry run (no call is sent)', async () => {
    const events: SecretEvent[] = [];
    const { endpoint, region, credentials } = sm();
    createAwsSecretsManager({ endpoint, region, ...credentials, onEvent: (event) => events.push(event) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual([]);
  });
});
