import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { parseSeedFile, startLocalSecretsManager } from '../../src/testing/index.js';
import { moduleGraph, SRC } from '../support/module-graph.js';

const ROOT = resolve(SRC, '..');
const TESTING = resolve(SRC, 'testing');

describe('the secret-refs/testing subpath', () => {
  it('is never loaded by the root import nor by secret-refs/redis', () => {
    for (const entry of ['index.ts', 'redis/index.ts', 'cli/main.ts']) {
      const { files } = moduleGraph([entry]);
      expect(files.size, entry).toBeGreaterThan(10);
      expect(
        [...files].filter((file) => file.startsWith(TESTING)),
        entry,
      ).toStrictEqual([]);
    }
  });

  it('loads nothing from the library itself, so it stays a separate entry', () => {
    const { files } = moduleGraph(['testing/index.ts']);
    expect([...files].filter((file) => !file.startsWith(TESTING))).toStrictEqual([]);
  });

  it('is published as its own entry, built from src/testing/index.ts', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./testing']).toStrictEqual({
      import: { types: './dist/testing.d.ts', default: './dist/testing.js' },
      require: { types: './dist/testing.d.cts', default: './dist/testing.cjs' },
    });
    expect(readFileSync(resolve(ROOT, 'tsup.config.ts'), 'utf8')).toContain(
      "testing: 'src/testing/index.ts'",
    );
  });

  it('starts an endpoint from the documented seed file that the real SDK reads', async () => {
    const seed = parseSeedFile(readFileSync(resolve(ROOT, 'examples/demo-secrets.json'), 'utf8'));
    const sm = await startLocalSecretsManager(seed);
    try {
      const client = new SecretsManagerClient({
        endpoint: sm.endpoint,
        region: sm.region,
        credentials: sm.credentials,
      });
      const answer = await client.send(new GetSecretValueCommand({ SecretId: 'demo/orders-db' }));
      expect(JSON.parse(answer.SecretString ?? '')).toMatchObject({ username: 'orders_app', port: 5432 });
      client.destroy();
    } finally {
      await sm.close();
    }
  });
});
