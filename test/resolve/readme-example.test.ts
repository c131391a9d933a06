import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

describe("the README's first example", () => {
  it('resolves both fields in one call, with a URL that new URL() accepts whatever the password holds', async () => {
    // Prepare: the secrets of the example, with a generated-style password
    const provider = createMemoryProvider({
      'prod/api': JSON.stringify({ key: 'ak-live-1234' }),
      'prod/db': JSON.stringify({ password: 'p@ss:w0rd/!' }),
    });
    const manager = createSecretManager(provider);
    // Act: the example as written in README.md
    const auth = await resolveConnection(
      {
        apiKey: '{{conn1|ap_sep_v1|prod/api:key}}',
        dsn: 'postgres://app:{{resolve:secretsmanager:prod/db:SecretString:password}}@db:5432/app',
      },
      manager,
      { encode: 'uri' },
    );
    // Assess
    expect(auth).toEqual({ apiKey: 'ak-live-1234', dsn: 'postgres://app:p%40ss%3Aw0rd%2F!@db:5432/app' });
    expect(decodeURIComponent(new URL(auth.dsn).password)).toBe('p@ss:w0rd/!');
    expect(provider.apiCalls()).toBe(1);
    await resolveConnection({ again: '{{conn1|ap_sep_v1|prod/api:key}}' }, manager);
    expect(provider.apiCalls()).toBe(1);
  });
});
