import { describe, expect, it } from 'vitest';
import { SecretResolutionError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { SecretLocator, SecretProvider } from '../../src/types.js';

describe('SecretProvider.services', () => {
  it('a Parameter Store reference to a manager serving only Secrets Manager is unsupported_reference naming the service, and nothing is fetched', async () => {
    const provider = createMemoryProvider({ '/app/url': 'from-secrets-manager' });
    const manager = createSecretManager(provider);

    const error = await resolveConnection(
      { url: '{{resolve:ssm:/app/url}}', pw: 'x-{{resolve:ssm-secure:/app/url:2}}' },
      manager,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SecretResolutionError);
    const { issues } = error as SecretResolutionError;
    expect(issues.map((issue) => [issue.path, issue.code])).toStrictEqual([
      [['url'], 'unsupported_reference'],
      [['pw'], 'unsupported_reference'],
    ]);
    expect(issues[0]?.message).toContain('does not serve "ssm" references');
    expect(issues[1]?.message).toContain('does not serve "ssm-secure" references');
    expect(manager.stats().apiCalls).toBe(0);
    await expect(manager.getSecret('/app/url')).resolves.toBe('from-secrets-manager');
  });

  it('a provider that serves Parameter Store gets the service in its locators, and keeps each service apart in the cache', async () => {
    const seen: SecretLocator[] = [];
    const provider: SecretProvider = {
      kind: 'fake',
      identity: 'fake',
      services: ['secretsmanager', 'ssm', 'ssm-secure'],
      async fetch(locator) {
        seen.push(locator);
        return { secretString: `${locator.service ?? 'sm'}:${locator.secretId}:${locator.versionId ?? ''}` };
      },
    };
    const manager = createSecretManager(provider);

    const values = await Promise.all([
      manager.getSecret('{{resolve:ssm:/a}}'),
      manager.getSecret('{{resolve:ssm-secure:/a}}'),
      manager.getSecret('/a'),
      manager.getSecret('{{resolve:ssm:/a:3}}'),
    ]);

    expect(values).toStrictEqual(['ssm:/a:', 'ssm-secure:/a:', 'sm:/a:', 'ssm:/a:3']);
    expect(seen).toContainEqual({ secretId: '/a', service: 'ssm', versionId: '3' });
    expect(await manager.getSecret('{{resolve:ssm:/a}}')).toBe('ssm:/a:');
    expect(seen).toHaveLength(4);
  });

  it('a provider serving only Parameter Store refuses a Secrets Manager reference', async () => {
    const provider: SecretProvider = {
      kind: 'params',
      identity: 'params',
      services: ['ssm'],
      fetch: async () => ({ secretString: 'v' }),
    };
    await expect(createSecretManager(provider).getSecret('db')).rejects.toMatchObject({
      code: 'unsupported_reference',
      message: expect.stringContaining('does not serve "secretsmanager" references (it serves "ssm")'),
    });
  });
});
