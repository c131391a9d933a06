import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const sdk = vi.hoisted(() => ({ loads: 0 }));

vi.mock('@aws-sdk/client-secrets-manager', async (importOriginal) => {
  sdk.loads += 1;
  return importOriginal();
});

const AWS_FOLDER = join(import.meta.dirname, '../../src/provider/aws');

describe('the AWS SDK is loaded lazily', () => {
  it('is not loaded by importing the provider or creating it, only by the first call', async () => {
    // Act: import and construct
    const { createAwsProvider } = await import('../../src/provider/aws/index.js');
    const { createAwsSecretsManager } = await import('../../src/manager/create-aws-secrets-manager.js');
    const provider = createAwsProvider({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      accessKeyId: 'AKIALAZY',
      secretAccessKey: 'lazy-secret-key',
    });
    createAwsSecretsManager({ region: 'us-east-1' });

    // Assess
    expect(sdk.loads).toBe(0);

    // Act: the first call
    const result = await provider.testConnection();

    // Assess
    expect(sdk.loads).toBe(1);
    expect(result).toMatchObject({ ok: false, code: 'network' });
  });

  it('has no value import of @aws-sdk at the top of any provider module', () => {
    const files = readdirSync(AWS_FOLDER).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(join(AWS_FOLDER, file), 'utf8');
      const valueImports = source.match(/^import\s+(?!type\b)[^;]*?from\s+'@aws-sdk\/[^']+'/gms) ?? [];
      expect(valueImports, file).toEqual([]);
      expect(source, file).not.toMatch(/require\(\s*'@aws-sdk/);
    }
  });
});
