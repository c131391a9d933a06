import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliFailure, CliUsageError } from './io.js';

/** The part of an open file `writePrivateFile` uses; `node:fs/promises` `FileHandle` fits. */
export interface PrivateFileHandle {
  writeFile(text: string, encoding: 'utf8'): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls `writePrivateFile` makes; `node:fs/promises` fits, tests inject failures. */
export interface PrivateFileSystem {
  open(path: string, flags: string, mode: number): Promise<PrivateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/**
 * System codes that mean the path given is wrong (missing or read-only directory, a directory or a file where a
 * directory should be): bad usage, exit 2. Any other code (`ENOSPC`, `EIO`, `EDQUOT`, …) is a failure of the run
 * with a valid path, exit 1.
 */
const PATH_CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENAMETOOLONG',
  'ELOOP',
  'EXDEV',
]);

/**
 * Writes `text` to `file` atomically, readable by its owner only (mode 0600, also over an existing 0644 file):
 * the text holds secret values. It writes a `0600` temporary file beside `file`, syncs it and renames it over
 * `file`; on any failure the temporary file is removed, `file` is left as it was, and the error is one line naming
 * `file` and the system code — a {@link CliUsageError} (exit 2) for a path problem, a {@link CliFailure} (exit 1)
 * otherwise. A symbolic link at `file` is replaced, not written through.
 * @example
 *   await writePrivateFile('resolved.json', `${JSON.stringify(resolved, null, 2)}\n`);
 */
export async function writePrivateFile(
  file: string,
  text: string,
  fs: PrivateFileSystem = nodeFs,
): Promise<void> {
  const temp = join(dirname(file), `.${basename(file).slice(0, 100)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: PrivateFileHandle;
  try {
    handle = await fs.open(temp, 'wx', 0o600);
  } catch (error) {
    throw writeError(file, error);
  }
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw await discard(fs, temp, file, error);
  }
  try {
    await handle.close();
    await fs.rename(temp, file);
  } catch (error) {
    throw await discard(fs, temp, file, error);
  }
}

async function discard(
  fs: PrivateFileSystem,
  temp: string,
  file: string,
  error: unknown,
): Promise<CliUsageError | CliFailure> {
  await fs.unlink(temp).catch(() => undefined);
  return writeError(file, error);
}

function writeError(file: string, error: unknown): CliUsageError | CliFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && PATH_CODES.has(code))
    return new CliUsageError(`cannot write ${file}: ${code}`);
  const reason = typeof code === 'string' ? code : 'write failed';
  return new CliFailure(`cannot write ${file}: ${reason}; file left unchanged`);
}
