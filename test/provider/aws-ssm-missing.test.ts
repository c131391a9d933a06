import { describe, expect, it, vi } from 'vitest';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';

const sdk = vi.hoisted(() => ({ loads: 0 }));

// As if the optional peer were not installed: importing it fails.
vi.mock('@aws-sdk/client-ssm', () => {
  sdk.loads += 1;
  throw new Error("Cannot find package '@aws-sdk/client-ssm'");
});

describe('@aws-sdk/client-ssm is an optional peer, loaded at the first Parameter Store reference', () => {
  it('is not loaded by creating the manager; when missing, each Parameter Store reference is an issue naming it', async () => {
    const manager = createAwsSecretsManager({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      accessKeyId: 'AKIAMISSINGSSM',
      secretAccessKey: 'missing-ssm-secret',
      maxAttempts: 1,
    });
    expect(sdk.loads).toBe(0);

    const results = await manager.getSecrets(['{{resolve:ssm:/a}}', '{{resolve:ssm-secure:/b}}']);

    expect(sdk.loads).toBe(1);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.error.message).toContain('npm install @aws-sdk/client-ssm');
    }
  });
});
