import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

const secrets = {
  db: JSON.stringify({ user: 'app', password: 'pw-db', port: 5432 }),
  api: JSON.stringify({ user: 'svc', password: 'pw-api' }),
  plain: 'just-text',
};
const expected: Record<string, string> = {
  '{{resolve:secretsmanager:db:SecretString:user}}': 'app',
  '{{resolve:secretsmanager:db:SecretString:password}}': 'pw-db',
  '{{resolve:secretsmanager:db:SecretString:port}}': '5432',
  '{{resolve:secretsmanager:api:SecretString:user}}': 'svc',
  '{{resolve:secretsmanager:api:SecretString:password}}': 'pw-api',
  '{{resolve:secretsmanager:plain}}': 'just-text',
  '{{resolve:secretsmanager:db:SecretString:user:AWSCURRENT}}': 'app',
};
const texts = Object.keys(expected);

describe('the warm path with repeated references', () => {
  it('gives every field its own value, wherever references repeat, from the cache alone (fast-check)', async () => {
    let fetches = 0;
    const provider = createMemoryProvider(secrets, { onCall: () => void fetches++ });
    const manager = createSecretManager(provider);
    await resolveConnection(texts, manager);
    const cold = fetches;
    expect(cold).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...texts), { minLength: 1, maxLength: 20 }),
        async (picked) => {
          const connection = Object.fromEntries(picked.map((text, n) => [`f${n}`, text]));
          const out = await resolveConnection(connection, manager);
          expect(out).toEqual(Object.fromEntries(picked.map((text, n) => [`f${n}`, expected[text]])));
          const embedded = await resolveConnection({ all: picked.join('|') }, manager);
          expect(embedded.all).toBe(picked.map((text) => expected[text]).join('|'));
        },
      ),
    );
    expect(fetches).toBe(cold);
  });
});
