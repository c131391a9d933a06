import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { readDemoSecrets, startDemoEndpoint } from '../../examples/demo-endpoint.js';
import { quickStart } from '../../examples/quick-start.js';
import type { LocalSecretsManager } from '../../src/testing/index.js';

// The example imports the package by name; tsx and tsc map it to src/ (tsconfig.json paths), Vitest needs telling.
vi.mock('secret-refs', () => import('../../src/index.js'));
vi.mock('secret-refs/testing', () => import('../../src/testing/index.js'));

let local: LocalSecretsManager;

beforeAll(async () => {
  local = await startDemoEndpoint();
});

afterAll(async () => {
  await local.close();
});

it('resolves the demo connection in one API call and prints it with the password masked', async () => {
  const connection = JSON.parse(
    await readFile(new URL('../../examples/connection.json', import.meta.url), 'utf8'),
  );
  const ordersDb = (await readDemoSecrets()).find((secret) => secret.name === 'demo/orders-db');
  const { password } = (ordersDb?.value ?? { password: '' }) as { password: string };
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });

  const manager = await quickStart(
    { region: local.region, ...local.credentials, endpoint: local.endpoint },
    connection,
  );

  expect(manager.stats().apiCalls).toBe(1);
  expect(JSON.parse(printed[0] ?? '')).toEqual({
    host: 'orders-db.internal.example',
    port: '5432',
    user: 'orders_app',
    password: '****',
    database: 'orders',
    readReplicaUrl: 'postgres://orders_app:****@orders-db-replica-1.internal.example:5432/orders',
  });
  expect(printed[1]).toBe('1 API call for every secret of the connection');
  expect(password.length).toBeGreaterThan(8);
  expect(printed.join('\n')).not.toContain(password);
});
