import { open } from 'node:fs/promises';
import { CliUsageError } from './io.js';

/**
 * Writes `text` to `file`, readable by its owner only (mode 0600, also when the file already existed):
 * the text holds secret values.
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'w', 0o600);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new CliUsageError(`cannot write ${file}: ${typeof code === 'string' ? code : 'open failed'}`);
  }
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}
