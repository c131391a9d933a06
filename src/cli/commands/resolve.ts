import { SecretResolutionError } from '../../errors.js';
import { findSecretRefs } from '../../resolve/find.js';
import { resolveConnection } from '../../resolve/resolve-connection.js';
import type { CliCommand } from '../command.js';
import { readJsonInput } from '../input.js';
import { writePrivateFile } from '../output.js';
import { formatReportLines } from '../report.js';

/** `secret-refs resolve [file] [-o out]`: writes the JSON with every reference replaced by its value. */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  argsUsage: '[file]',
  summary: 'Print the JSON with every secret reference replaced by its value',
  details: `Reads the file (or standard input for "-" or no file) and writes the resolved JSON to standard output,
or to the --output file, replaced atomically and readable by its owner only (mode 0600); if the write
fails (a full disk), the file is left as it was and the exit status is 1. A FIFO or a character device
(/dev/stdout) is written through, never replaced; a directory, socket or block device is refused (exit 2). When any reference fails,
nothing is written: the failing references are listed on standard error (no value) and the exit status is 1.`,
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: '<file>',
      description: 'Write to this file (mode 0600) instead of standard output',
    },
  },
  minArgs: 0,
  maxArgs: 1,
  async run({ io, values, args, getManager, signal, fileSystem }) {
    const { value } = await readJsonInput(args[0], io);
    let resolved: unknown = value;
    try {
      if (findSecretRefs(value).length > 0) {
        resolved = await resolveConnection(value, await getManager(), signal === undefined ? {} : { signal });
      }
    } catch (error) {
      if (!(error instanceof SecretResolutionError)) throw error;
      const count = error.issues.length;
      io.stderr.write(
        `secret-refs: ${count} ${count === 1 ? 'reference' : 'references'} could not be resolved; nothing written\n`,
      );
      const lines = formatReportLines(
        error.issues.map((issue) => ({ ...issue, ok: false, path: [...issue.path] })),
      );
      for (const line of lines) io.stderr.write(`  ${line}\n`);
      return 1;
    }
    const text = `${JSON.stringify(resolved, null, 2)}\n`;
    const output = typeof values.output === 'string' ? values.output : undefined;
    if (output === undefined || output === '-') io.stdout.write(text);
    else await writePrivateFile(output, text, fileSystem);
    return 0;
  },
};
