import { execFile } from 'node:child_process';
import * as nodeFs from 'node:fs/promises';
import { lstat, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { PrivateFileSystem } from '../../src/cli/io.js';
import { CliUsageError } from '../../src/cli/io.js';
import { writePrivateFile } from '../../src/cli/output.js';
import { CANARY } from '../support/canary.js';
import { testDirectory } from '../support/temp-dir.js';
import { fakeManager, makeIo } from './helpers.js';

const connection = { password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' };
const secrets = { 'prod/db': JSON.stringify({ password: CANARY }) };
const resolvedText = `${JSON.stringify({ password: CANARY }, null, 2)}\n`;

let dir: string;
let servers: Server[] = [];

beforeEach(async () => {
  dir = await testDirectory('secret-refs-special-');
  servers = [];
});

afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function mkfifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', ['-m', '0644', path]);
}

async function resolveTo(output: string, fileSystem?: PrivateFileSystem) {
  const { io, out, err } = makeIo({ stdin: JSON.stringify(connection) });
  const code = await runCli(['resolve', '-o', output], io, {
    createManager: () => fakeManager(secrets),
    ...(fileSystem === undefined ? {} : { fileSystem }),
  });
  return { code, out: out(), err: err() };
}

describe('resolve -o never replaces what is not a regular file', () => {
  it('writes through a FIFO to its reader; the FIFO stays a FIFO with its mode, no temporary file', async () => {
    const fifo = join(dir, 'out.fifo');
    await mkfifo(fifo);
    const reader = readFile(fifo, 'utf8');
    const result = await resolveTo(fifo);
    expect(result).toEqual({ code: 0, out: '', err: '' });
    expect(await reader).toBe(resolvedText);
    const after = await lstat(fifo);
    expect(after.isFIFO()).toBe(true);
    expect(after.mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(['out.fifo']);
  });

  it('writes through a symbolic link to a FIFO; the link and the FIFO both stay', async () => {
    const fifo = join(dir, 'real.fifo');
    const link = join(dir, 'link');
    await mkfifo(fifo);
    await symlink(fifo, link);
    const reader = readFile(fifo, 'utf8');
    expect((await resolveTo(link)).code).toBe(0);
    expect(await reader).toBe(resolvedText);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('refuses a socket with exit 2, one line, nothing written and the socket left in place', async () => {
    const socket = join(dir, 'out.sock');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const result = await resolveTo(socket);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `secret-refs: cannot write ${socket}: not a regular file, a FIFO or a character device; nothing written\n`,
    });
    expect((await lstat(socket)).isSocket()).toBe(true);
    expect(await readdir(dir)).toEqual(['out.sock']);
  });

  it('a character device is opened for writing only: no create, no truncate, no chmod, no rename', async () => {
    const fifo = join(dir, 'device');
    await mkfifo(fifo);
    const calls: string[] = [];
    const fileSystem: PrivateFileSystem = {
      async stat(path) {
        const real = await nodeFs.stat(path);
        return Object.assign(real, { isFIFO: () => false, isCharacterDevice: () => true });
      },
      async open(path, flags, mode) {
        calls.push(`open ${typeof flags} ${String(flags)}`);
        const handle = await nodeFs.open(path, flags, mode);
        return Object.assign(handle, {
          chmod: async () => {
            calls.push('chmod');
          },
        });
      },
      rename: async () => {
        calls.push('rename');
      },
      unlink: (path) => nodeFs.unlink(path),
      lstat: (path) => nodeFs.lstat(path),
    };
    const reader = readFile(fifo, 'utf8');
    expect((await resolveTo(fifo, fileSystem)).code).toBe(0);
    expect(await reader).toBe(resolvedText);
    expect(calls).toEqual([`open number ${nodeFs.constants.O_WRONLY | nodeFs.constants.O_NOCTTY}`]);
    const flags = Number(calls[0]?.split(' ')[2]);
    expect(flags & (nodeFs.constants.O_CREAT | nodeFs.constants.O_TRUNC)).toBe(0);
  });

  it('a path that turns into a regular file before it is opened is refused, the file untouched', async () => {
    const file = join(dir, 'swapped');
    await writeFile(file, 'previous');
    const fileSystem: PrivateFileSystem = {
      ...nodeFs,
      async stat(path) {
        return Object.assign(await nodeFs.stat(path), { isFile: () => false, isFIFO: () => true });
      },
    };
    const error = await writePrivateFile(file, resolvedText, fileSystem).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CliUsageError);
    expect(await readFile(file, 'utf8')).toBe('previous');
  });

  it('a symbolic link to a regular file, or to nothing, is refused: the link and its target stay as they were', async () => {
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    const dangling = join(dir, 'dangling.json');
    await writeFile(target, 'target content');
    await symlink(target, link);
    await symlink(join(dir, 'nothing-here'), dangling);
    for (const path of [link, dangling]) {
      const result = await resolveTo(path);
      expect(result).toEqual({
        code: 2,
        out: '',
        err: `secret-refs: cannot write ${path}: a symbolic link to a regular file or to nothing is neither replaced nor written through; give the file itself\n`,
      });
      expect((await lstat(path)).isSymbolicLink()).toBe(true);
    }
    expect(await readFile(target, 'utf8')).toBe('target content');
    expect((await readdir(dir)).sort()).toEqual(['dangling.json', 'link.json', 'target.json']);
  });
});
