import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { postgresBinDir } from './provision.js';

/** A real PostgreSQL server started for tests: TCP on 127.0.0.1 with password logins, a trusted local socket. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Runs one statement as the superuser (over the local socket, no password). */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

function binDir(): string {
  const dir = postgresBinDir();
  if (dir === undefined)
    throw new Error(
      "PostgreSQL's server binaries are missing: install Debian's `postgresql` package, or put initdb and postgres on PATH",
    );
  return dir;
}

/** Runs a PostgreSQL tool; as root, as the `postgres` user (the server refuses to run as root). */
function run(file: string, args: string[], cwd: string): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    execFile(command, argv, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${file.split('/').pop()} failed: ${String(stderr || stdout).slice(-600)}`));
      else resolve(stdout);
    });
  });
}

/**
 * Starts PostgreSQL (Debian's `postgresql` package) in a fresh temporary folder on a free port: `initdb` with
 * scram-sha-256 for TCP logins and trust for the local socket, then `pg_ctl start`. As root, the tools run as the
 * `postgres` user the package creates, who is given the folder. A process exit stops the server too.
 * @example
 *   const server = await startPostgresServer();
 *   await server.query("CREATE ROLE app LOGIN PASSWORD 'pw'");
 *   const pool = new pg.Pool({ host: server.host, port: server.port, user: 'app', password: 'pw', database: 'postgres' });
 *   await server.stop();
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'secret-refs-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  await run(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
    ],
    dir,
  );
  const pgCtl = join(bin, 'pg_ctl');
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    try {
      await run(
        pgCtl,
        ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', settings, 'start'],
        dir,
      );
      break;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
  const stopNow = (): void => {
    try {
      execFileSync(
        process.getuid?.() === 0 ? 'runuser' : pgCtl,
        [
          ...(process.getuid?.() === 0 ? ['-u', 'postgres', '--', pgCtl] : []),
          '-D',
          data,
          '-m',
          'immediate',
          'stop',
        ],
        { cwd: dir, stdio: 'ignore' },
      );
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', stopNow);
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    async query(sql, params) {
      const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        return await client.query(sql, params);
      } finally {
        await client.end();
      }
    },
    stop() {
      stopped ??= (async () => {
        process.off('exit', stopNow);
        await run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], dir).catch(stopNow);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
