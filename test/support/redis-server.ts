import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A real `redis-server` started for tests, on a free TCP port, with nothing persisted. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Starts it again on the same port (after `kill`), empty. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Spawns `redis-server` on loopback with `args`, persisting nothing, with `dir` as its folder, and resolves once it
 * accepts connections (it rejects with the end of its output when it exits first).
 */
export function launchRedis(dir: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [...args, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-400)}`)));
  });
}

/** Launches on a free port, and on another when a different process takes the port first (five tries). */
export async function launchOnFreePort(
  launch: (port: number) => Promise<ChildProcess>,
): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await launch(port) };
    } catch (error) {
      if (attempt === 4 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

/** Kills `child` (SIGKILL, after SIGCONT in case it was paused) and resolves once it has exited. */
export async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await gone;
}

/**
 * Starts `redis-server` (Debian's package; `.ci/run` installs it) on a free port, retrying when another process
 * takes the port first.
 * @example
 *   const redis = await startRedisServer();
 *   const client = await createClient({ url: redis.url }).connect();
 *   await redis.stop();
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'secret-refs-redis-'));
  const launch = (port: number) => launchRedis(dir, ['--port', String(port)]);
  const launched = await launchOnFreePort(launch);
  const port = launched.port;
  let child: ChildProcess | undefined = launched.child;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (!child) return;
      const current = child;
      child = undefined;
      await killRedis(current);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async restart() {
      await server.kill();
      child = await launch(port);
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
