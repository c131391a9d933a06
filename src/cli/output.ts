import { randomBytes } from 'node:crypto';
import { constants, unlinkSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliFailure, CliUsageError, type PrivateFileStats, type PrivateFileSystem } from './io.js';
import { systemReason } from './system-reason.js';

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
 * Temporary files being written now. Holding secret values, they are removed on the way out when the process is
 * ended by a signal mid-write (see `removePendingFiles`).
 */
const pending = new Set<string>();

/**
 * Writes `text` to `file`, readable by its owner only: the text holds secret values. What happens depends on what
 * `file` is (links followed):
 *
 * - absent, or a regular file: replaced atomically with a `0600` file (also over an existing 0644 one). A `0600`
 *   temporary file beside `file` is written, synced and renamed over it; on any failure it is removed and `file` is
 *   left as it was.
 * - a FIFO or a character device (`/dev/stdout`, `/dev/null`, a named pipe, or a link to one): written through, as
 *   a shell's `>` does — opened for writing (a FIFO waits for its reader), never created, truncated, renamed over
 *   or chmod-ed.
 * - anything else — a symbolic link to a regular file or to nothing (replacing the link could replace
 *   `/dev/stdout` itself, writing through it is the classic symlink attack), a directory, a socket, a block
 *   device: refused with a {@link CliUsageError}, nothing written.
 *
 * Errors are one line naming `file` and the system code — a {@link CliUsageError} (exit 2) for a path problem, a
 * {@link CliFailure} (exit 1) otherwise.
 */
export async function writePrivateFile(
  file: string,
  text: string,
  fs: PrivateFileSystem = nodeFs,
): Promise<void> {
  const link = (await look(file, fs.lstat))?.isSymbolicLink() === true;
  const target = await look(file, fs.stat);
  if (link && (target === undefined || target.isFile())) {
    throw new CliUsageError(
      `cannot write ${file}: a symbolic link to a regular file or to nothing is neither replaced nor written through; give the file itself`,
    );
  }
  if (target === undefined || target.isFile()) return replaceFile(file, text, fs);
  if (target.isFIFO() || target.isCharacterDevice()) return writeThrough(file, text, fs);
  if (target.isDirectory())
    throw new CliUsageError(`cannot write ${file}: ${systemReason('EISDIR', 'write')}`);
  throw notWritable(file);
}

/** What is at `file` (`undefined`: nothing), or a path error. */
async function look(
  file: string,
  read: (path: string) => Promise<PrivateFileStats>,
): Promise<PrivateFileStats | undefined> {
  try {
    return await read(file);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ENOENT') return undefined;
    throw writeError(file, error);
  }
}

/**
 * Removes, synchronously, the temporary files of writes still in progress; called by the bin entry when a signal
 * ends the process, so that no half-written file with secret values stays behind.
 */
export function removePendingFiles(): void {
  for (const temp of pending) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  pending.clear();
}

async function replaceFile(file: string, text: string, fs: PrivateFileSystem): Promise<void> {
  const temp = join(dirname(file), `.${basename(file).slice(0, 100)}.${randomBytes(6).toString('hex')}.tmp`);
  pending.add(temp);
  try {
    const handle = await fs.open(temp, 'wx', 0o600).catch((error: unknown) => {
      throw writeError(file, error);
    });
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      await handle.close();
      await fs.rename(temp, file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
      throw writeError(file, error);
    }
  } finally {
    pending.delete(temp);
  }
}

/** Opens an existing FIFO or device for writing (no create, no truncate) and writes to it. */
async function writeThrough(file: string, text: string, fs: PrivateFileSystem): Promise<void> {
  const handle = await fs.open(file, constants.O_WRONLY | constants.O_NOCTTY).catch((error: unknown) => {
    throw writeError(file, error);
  });
  try {
    // The path may have been swapped for a regular file since it was looked at: never write into one in place.
    if ((await handle.stat()).isFile()) throw notWritable(file);
    await handle.writeFile(text, 'utf8');
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof CliUsageError) throw error;
    throw writeError(file, error, false);
  }
}

function notWritable(file: string): CliUsageError {
  return new CliUsageError(
    `cannot write ${file}: not a regular file, a FIFO or a character device; nothing written`,
  );
}

function writeError(file: string, error: unknown, unchanged = true): CliUsageError | CliFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && PATH_CODES.has(code))
    return new CliUsageError(`cannot write ${file}: ${systemReason(code, 'write')}`);
  const reason = typeof code === 'string' ? code : 'write failed';
  return new CliFailure(`cannot write ${file}: ${reason}${unchanged ? '; file left unchanged' : ''}`);
}
