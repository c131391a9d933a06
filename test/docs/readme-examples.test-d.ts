import { createClient } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';
import { createAwsSecretsManager, type SecretManager } from '../../src/index.js';
import { createRedisSecretCache } from '../../src/redis/index.js';

// The README's TypeScript examples as written there, type-checked (the first one also runs in
// test/resolve/readme-example.test.ts).
describe("the README's fleet example", () => {
  it('builds a manager over a shared Redis tier from a connected node-redis client', () => {
    const example = async (): Promise<SecretManager> => {
      const client = await createClient({ url: process.env.REDIS_URL }).connect();
      // as in README.md:
      const cache = createRedisSecretCache({ client, encryptionKey: process.env.SECRET_CACHE_KEY! });
      const manager = createAwsSecretsManager({ region: 'eu-west-1', cache });
      return manager;
    };
    expectTypeOf(example).returns.resolves.toEqualTypeOf<SecretManager>();
  });
});
