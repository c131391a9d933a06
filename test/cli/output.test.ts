import * as nodeFs from 'node:fs/promises';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PrivateFileSystem } from '../../src/cli/io.js';
import { CliFailure, CliUsageError } from '../../src/cli/io.js';
import { writePrivateFile } from '../../src/cli/output.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { testDirectory } from '../support/temp-dir.js';

const OLD = '{"previous":"good content"}\n';
const TEXT = `${JSON.stringify({ password: CANARY, pad: 'y'.repeat(10_000) }, null, 2)}\n`;

function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated, ${CANARY}`), { code });
}

/** The real file system, except that `step` of the written file fails with `error` (after writing half). */
function failingFs(
  step: 'open' | 'writeFile' | 'sync' | 'close' | 'rename',
  error: unknown,
): PrivateFileSystem {
  return {
    async open(path, flags, mode) {
      if (step === 'open') throw error;
      const handle = await nodeFs.open(path, flags, mode);
      return {
        chmod: (m) => handle.chmod(m),
        stat: () => handle.stat(),
        async writeFile(text, encoding) {
          if (step !== 'writeFile') return handle.writeFile(text, encoding);
          await handle.writeFile(text.slice(0, text.length / 2), encoding);
          throw error;
        },
        async sync() {
          if (step === 'sync') throw error;
          return handle.sync();
        },
        async close() {
          await handle.close();
          if (step === 'close') throw error;
        },
      };
    },
    async rename(from, to) {
      if (step === 'rename') throw error;
      return nodeFs.rename(from, to);
    },
    unlink: (path) => nodeFs.unlink(path),
    stat: (path) => nodeFs.stat(path),
    lstat: (path) => nodeFs.lstat(path),
  };
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

let dir: string;
let target: string;
beforeEach(async () => {
  dir = await testDirectory('secret-refs-output-');
  target = join(dir, 'out.json');
  await writeFile(target, OLD);
  await chmod(target, 0o644);
});

describe('writePrivateFile', () => {
  it('replaces an existing 0644 file with a 0600 one and leaves no temporary file', async () => {
    await writePrivateFile(target, TEXT);
    expect(await readFile(target, 'utf8')).toBe(TEXT);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('creates a new 0600 file', async () => {
    const fresh = join(dir, 'fresh.json');
    await writePrivateFile(fresh, TEXT);
    expect(await readFile(fresh, 'utf8')).toBe(TEXT);
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['fresh.json', 'out.json']);
  });

  it.each([
    ['writeFile', 'ENOSPC'],
    ['writeFile', 'EDQUOT'],
    ['sync', 'EIO'],
    ['close', 'EIO'],
    ['rename', 'EXDEV'],
  ] as const)(
    'when %s fails with %s, leaves the target untouched and removes the temporary file',
    async (step, code) => {
      const error = await caught(writePrivateFile(target, TEXT, failingFs(step, systemError(code))));
      expect(await readFile(target, 'utf8')).toBe(OLD);
      expect((await stat(target)).mode & 0o777).toBe(0o644);
      expect(await readdir(dir)).toEqual(['out.json']);
      const expected = code === 'EXDEV' ? CliUsageError : CliFailure;
      expect(error).toBeInstanceOf(expected);
      expect(error.message).toBe(
        code === 'EXDEV'
          ? `cannot write ${target}: EXDEV`
          : `cannot write ${target}: ${code}; file left unchanged`,
      );
      expect(error.message).not.toContain('\n');
      expect(error.message).not.toContain('simulated');
      expectNoCanary(error);
    },
  );

  it('reports a failure without a system code as a write failure, without its message', async () => {
    const error = await caught(writePrivateFile(target, TEXT, failingFs('writeFile', new Error(CANARY))));
    expect(error).toBeInstanceOf(CliFailure);
    expect(error.message).toBe(`cannot write ${target}: write failed; file left unchanged`);
    expect(await readFile(target, 'utf8')).toBe(OLD);
    expect(await readdir(dir)).toEqual(['out.json']);
    expectNoCanary(error);
  });

  it('an unwritable directory is a usage error naming the file and the code', async () => {
    const error = await caught(writePrivateFile(target, TEXT, failingFs('open', systemError('EACCES'))));
    expect(error).toBeInstanceOf(CliUsageError);
    expect(error.message).toBe(
      `cannot write ${target}: permission denied (EACCES); write to a folder this user may write to, or fix its permissions`,
    );
    expect(await readFile(target, 'utf8')).toBe(OLD);
    expectNoCanary(error);
  });

  it('a directory given as the file is EISDIR, the directory untouched', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'keep.txt'), 'keep');
    const error = await caught(writePrivateFile(folder, TEXT));
    expect(error).toBeInstanceOf(CliUsageError);
    expect(error.message).toBe(`cannot write ${folder}: it is a directory (EISDIR); give a file name`);
    expect(await readdir(folder)).toEqual(['keep.txt']);
    expect((await readdir(dir)).sort()).toEqual(['folder', 'out.json']);
  });

  it('a path whose parent is a file is ENOTDIR', async () => {
    const inside = join(target, 'out.json');
    const error = await caught(writePrivateFile(inside, TEXT));
    expect(error).toBeInstanceOf(CliUsageError);
    expect(error.message).toBe(
      `cannot write ${inside}: a part of the path is a file, not a directory (ENOTDIR); check the path`,
    );
    expect(await readFile(target, 'utf8')).toBe(OLD);
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('a long file name still fits the temporary name', async () => {
    const long = join(dir, `${'n'.repeat(240)}.json`);
    await writePrivateFile(long, TEXT);
    expect(await readFile(long, 'utf8')).toBe(TEXT);
  });
});
