import { execFile, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { CLI_MAIN, exitWithin, spawnCli, untilIdle } from '../support/cli-spawn.js';
import { testDirectory } from '../support/temp-dir.js';

let dir: string;
const env = { AWS_REGION: 'eu-west-1', HOME: '/nonexistent' };

beforeEach(async () => {
  dir = await testDirectory('secret-refs-interrupt-');
});

async function mkfifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', [path]);
}

/** Opens the write end of `fifo` once the CLI has opened its read end (ENXIO until then). */
async function writeEndOnceRead(fifo: string): Promise<number> {
  for (let tries = 0; tries < 500; tries += 1) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error('the CLI never opened the FIFO');
}

// The CLI dies by the signal itself (after its clean-up), which a shell shows as 128 + its number: 130 for SIGINT.
describe('one Ctrl-C ends the CLI while it waits on its input', () => {
  it('check reading standard input that never ends: one SIGINT ends it (exit 130 in a shell)', async () => {
    const cli = spawnCli(['check'], { env });
    await untilIdle(cli.child.pid);
    cli.child.kill('SIGINT');
    const exit = await exitWithin(cli, 10_000);
    expect(exit).toMatchObject({ code: null, signal: 'SIGINT', stdout: '' });
  });

  it('check reading a FIFO whose writer sends nothing: one SIGINT ends it (exit 130 in a shell)', async () => {
    const fifo = join(dir, 'input.fifo');
    await mkfifo(fifo);
    const cli = spawnCli(['check', fifo], { env, stdin: 'ignore' });
    const writer = await writeEndOnceRead(fifo);
    try {
      cli.child.kill('SIGINT');
      const exit = await exitWithin(cli, 10_000);
      expect(exit).toMatchObject({ code: null, signal: 'SIGINT', stdout: '' });
    } finally {
      closeSync(writer);
    }
  });

  it('resolve -o a FIFO nobody reads: one SIGINT ends it (exit 130 in a shell), no file left behind', async () => {
    const fifo = join(dir, 'output.fifo');
    await mkfifo(fifo);
    const cli = spawnCli(['resolve', '-o', fifo], { env });
    cli.child.stdin?.end('{"plain":"no reference"}');
    await untilIdle(cli.child.pid);
    cli.child.kill('SIGINT');
    const exit = await exitWithin(cli, 10_000);
    expect(exit).toMatchObject({ code: null, signal: 'SIGINT' });
    expect(await readdir(dir)).toEqual(['output.fifo']);
  });

  it('a shell running the CLI sees exit status 130', async () => {
    const shell = spawn(
      'sh',
      ['-c', '"$@"; echo "status=$?"', 'sh', process.execPath, '--import', 'tsx', CLI_MAIN, 'check'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const closed = new Promise((resolve) => shell.once('close', resolve));
    let cliPid: number | undefined;
    for (let tries = 0; cliPid === undefined && tries < 500; tries += 1) {
      const children = await readFile(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8').catch(
        () => '',
      );
      cliPid = children.trim() === '' ? undefined : Number(children.trim().split(/\s+/)[0]);
      if (cliPid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await untilIdle(cliPid);
    process.kill(cliPid as number, 'SIGINT');
    await closed;
    shell.stdin.end();
    expect(output).toBe('status=130\n');
  });

  it('SIGTERM while waiting on standard input ends it (143 in a shell)', async () => {
    const cli = spawnCli(['resolve'], { env });
    await untilIdle(cli.child.pid);
    cli.child.kill('SIGTERM');
    expect(await exitWithin(cli, 10_000)).toMatchObject({ code: null, signal: 'SIGTERM' });
  });
});

describe('in process: an aborted signal stops a read of standard input', () => {
  it('check waiting on a stream that never ends settles with exit 1, "aborted", once the signal aborts', async () => {
    const controller = new AbortController();
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    stdin.write('{"a": ');
    const errors: string[] = [];
    const io = {
      stdin,
      stdout: { write: () => true },
      stderr: { write: (chunk: string | Uint8Array) => errors.push(String(chunk)) },
      env: {},
    };
    const running = runCli(['check'], io, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await running).toBe(1);
    expect(errors.join('')).toBe('secret-refs: aborted\n');
  });
});
