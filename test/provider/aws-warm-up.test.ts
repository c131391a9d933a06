import { describe, expect, it } from 'vitest';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

describe('the AWS provider warms up when it is created', () => {
  const sm = useLocalEndpoint({ secrets: [{ name: 'db', secretString: 'v' }] });

  it('loads the SDK and builds its client in the background without sending anything', async () => {
    const { endpoint, region, credentials } = sm();
    const manager = createAwsSecretsManager({ endpoint, region, ...credentials });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sm().requests).toHaveLength(0);
    expect(manager.stats().apiCalls).toBe(0);
    expect(await manager.getSecret('db')).toBe('v');
    expect(sm().requests).toHaveLength(1);
    expect(manager.stats().apiCalls).toBe(1);
  });

  it('a warm-up that fails (no route to the endpoint) is silent; the first call reports the error', async () => {
    const manager = createAwsSecretsManager({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'example-secret-key-000000000000000000000',
      maxAttempts: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(manager.getSecret('db')).rejects.toMatchObject({ code: 'network' });
  });
});
