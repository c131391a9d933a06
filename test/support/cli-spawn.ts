import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The bin entry's source, run under tsx (the built `dist/cli.js` behaves the same; CI builds it after the tests). */
export const CLI_MAIN = join(import.meta.dirname, '../../src/cli/main.ts');

/** How a spawned CLI ended, and everything it printed. */
export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process started by {@link spawnCli}. */
export interface SpawnedCli {
  child: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  exited: Promise<CliExit>;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `secret-refs <args>` as its own process (`node --import tsx src/cli/main.ts`), with exactly `env` as
 * its environment (plus PATH), standard input piped unless `stdin` says otherwise.
 * @example
 *   const cli = spawnCli(['check', file], { env: { AWS_REGION: 'eu-west-1', HOME: home } });
 *   const { code, stdout } = await cli.exited;
 */
export function spawnCli(
  args: readonly string[],
  options: { env: Record<string, string>; stdin?: 'pipe' | 'ignore'; cwd?: string },
): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    cwd: options.cwd ?? join(import.meta.dirname, '../..'),
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Runs `secret-refs <args>` to the end. */
export function runCliProcess(
  args: readonly string[],
  options: { env: Record<string, string>; input?: string; cwd?: string },
): Promise<CliExit> {
  const cli = spawnCli(args, options);
  cli.child.stdin?.end(options.input ?? '');
  return cli.exited;
}

/**
 * Resolves once the process sits idle in its event loop (Linux: its main thread waits in `epoll_wait`, per
 * `/proc/<pid>/wchan`, for 10 reads in a row 20 ms apart): started, its code loaded, and waiting — on standard
 * input, say. Node catches SIGINT from the start (to restore the terminal), so the signal mask says nothing.
 * Polls for up to 15 s.
 * @example
 *   await untilIdle(cli.child.pid);
 *   cli.child.kill('SIGINT');
 */
export async function untilIdle(pid: number | undefined): Promise<void> {
  if (pid === undefined) throw new Error('the process has no pid');
  let idle = 0;
  for (let tries = 0; tries < 750; tries += 1) {
    const wchan = await readFile(`/proc/${pid}/wchan`, 'utf8').catch(() => '');
    idle = wchan.includes('epoll_wait') ? idle + 1 : 0;
    if (idle >= 10) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`process ${pid} never went idle`);
}

/** Settles with the exit, or rejects when the process is still running after `ms` (it is then killed). */
export async function exitWithin(cli: SpawnedCli, ms: number): Promise<CliExit> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`the CLI was still running ${ms} ms later`));
    }, ms);
  });
  try {
    return await Promise.race([cli.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}
