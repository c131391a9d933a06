import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSecretsManager, type SecretManager } from '../../src/index.js';
import { withConnection } from '../../src/rotation/with-connection.js';
import { type LocalSecretsManager, rotate, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.js';

const SECRET = 'prod/app-db';
const connection = {
  host: '127.0.0.1',
  database: 'postgres',
  user: `{{resolve:secretsmanager:${SECRET}:SecretString:username}}`,
  password: `{{resolve:secretsmanager:${SECRET}:SecretString:password}}`,
};
const secretValue = (password: string) => JSON.stringify({ username: 'app', password });

/** The application side: one pg Pool for the connection settings in force, replaced when they change. */
class App {
  pool: pg.Pool | undefined;
  settings: unknown;
  readonly attempts: { attempt: number; code?: string }[] = [];

  constructor(readonly port: number) {}

  poolFor(settings: typeof connection): pg.Pool {
    if (this.pool === undefined || !isDeepStrictEqual(settings, this.settings)) {
      void this.pool?.end();
      this.pool = new pg.Pool({ ...settings, port: this.port, max: 2 });
      this.pool.on('error', () => {}); // an idle client killed by the server
      this.settings = settings;
    }
    return this.pool;
  }

  query(manager: SecretManager, options: { cooldownMs?: number } = {}): Promise<string> {
    return withConnection(
      connection,
      manager,
      async (settings, { attempt }) => {
        try {
          const result = await this.poolFor(settings).query<{ who: string }>('SELECT current_user AS who');
          this.attempts.push({ attempt });
          return result.rows[0]?.who ?? '';
        } catch (error) {
          this.attempts.push({ attempt, code: (error as { code?: string }).code });
          throw error;
        }
      },
      { isAuthError: (error) => (error as { code?: string }).code === '28P01', ...options },
    );
  }
}

describe('withConnection against a real PostgreSQL, rotated through the local endpoint', () => {
  let server: PostgresServer;
  let sm: LocalSecretsManager;
  let manager: SecretManager;
  let app: App;

  const reads = () =>
    sm.requests.filter((r) => r.action === 'GetSecretValue' || r.action === 'BatchGetSecretValue').length;

  /** Ends the app's sessions and waits until its pool has dropped them, as a recycled pool would. */
  async function dropSessions(): Promise<void> {
    await server.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
    for (let i = 0; i < 200 && (app.pool?.totalCount ?? 0) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(app.pool?.totalCount ?? 0).toBe(0);
  }

  beforeAll(async () => {
    server = await startPostgresServer();
    await server.query(`CREATE ROLE app LOGIN PASSWORD '${CANARY}-1'`);
    sm = await startLocalSecretsManager({
      secrets: [{ name: SECRET, secretString: secretValue(`${CANARY}-1`) }],
    });
    manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
      cache: { ttlMs: 3_600_000 },
    });
    app = new App(server.port);
  }, 60_000);

  afterAll(async () => {
    await app?.pool?.end();
    await sm?.close();
    await server?.stop();
  });

  it('logs in with the secret', async () => {
    await expect(app.query(manager)).resolves.toBe('app');
    expect(reads()).toBe(1);
  });

  it('after a rotation: the login fails (28P01), one re-read, one retry, and it works', async () => {
    await server.query(`ALTER ROLE app PASSWORD '${CANARY}-2'`);
    await rotate(sm, SECRET, secretValue(`${CANARY}-2`));
    await dropSessions();
    sm.resetRequests();
    app.attempts.length = 0;

    await expect(app.query(manager)).resolves.toBe('app');

    expect(app.attempts).toEqual([{ attempt: 1, code: '28P01' }, { attempt: 2 }]);
    expect(reads()).toBe(1);
    // Later calls use the refreshed value from the cache: no further read.
    await expect(app.query(manager)).resolves.toBe('app');
    expect(reads()).toBe(1);
  });

  it('a wrong password that no rotation fixes: no retry, the original error', async () => {
    await server.query(`ALTER ROLE app PASSWORD '${CANARY}-3'`);
    await dropSessions();
    sm.resetRequests();
    app.attempts.length = 0;

    const error = await app.query(manager, { cooldownMs: 0 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '28P01' });
    expect(app.attempts).toEqual([{ attempt: 1, code: '28P01' }]);
    expect(reads()).toBe(1); // the re-read that found the same version
    expectNoCanary(error);

    // Ten more failures within the cool-down: none of them reads the secret again.
    for (let i = 0; i < 10; i++) await expect(app.query(manager)).rejects.toMatchObject({ code: '28P01' });
    expect(reads()).toBe(1);
    expect(app.attempts.every((a) => a.attempt === 1)).toBe(true);
  });
});
