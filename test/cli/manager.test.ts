import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/io.js';
import { createCliManager } from '../../src/cli/manager.js';

describe('createCliManager', () => {
  it.each(['region', 'endpoint', 'profile'] as const)(
    'refuses an empty --%s rather than using the environment',
    async (name) => {
      const env = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_PROFILE: 'dev' };
      const attempt = createCliManager({ region: 'eu-west-1', [name]: ' ', env });
      await expect(attempt).rejects.toBeInstanceOf(CliUsageError);
      await expect(attempt).rejects.toThrow(`option --${name} has an empty value`);
    },
  );

  it('still falls back to AWS_REGION when --region is not given', async () => {
    await expect(createCliManager({ env: {} })).rejects.toThrow('no region: pass --region or set AWS_REGION');
    const manager = await createCliManager({
      env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' },
    });
    expect(typeof manager.getSecret).toBe('function');
  });
});
