import { SecretResolutionError } from '../../errors.js';
import { findSecretRefs } from '../../resolve/find.js';
import { resolveConnection } from '../../resolve/resolve-connection.js';
import type { CliCommand } from '../command.js';
import { formatJsonDocument, lineAndColumn, readDocument } from '../input.js';
import { choiceValue, ENCODE_OPTION, FORMAT_OPTION, stringValue } from '../options.js';
import { writePrivateFile } from '../output.js';
import { reportUnresolved } from '../report.js';

/** `secret-refs resolve [file] [-o out]`: writes the document with every reference replaced by its value. */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  argsUsage: '[file]',
  summary: 'Print the JSON or text with every secret reference replaced by its value',
  details: `Reads the file (or standard input for "-" or no file) and writes it with every reference replaced
(JSON re-printed with 2-space indentation, each number exactly as written; text, such as .env or
YAML, byte for byte as it was, a byte-order mark included, each value substituted as is, or
percent-encoded inside a longer string with --encode uri; input that is not UTF-8 is refused,
exit 2, naming the offset of the first bad byte) to standard output, or to the --output file, replaced
atomically and readable by its owner only (mode 0600); if the write fails (a full disk), the file is
left as it was and the exit status is 1.
A FIFO or a character device (/dev/stdout) is written through, never replaced; a symbolic link to a
regular file or to nothing, a directory, socket or block device is refused (exit 2). When any
reference fails, nothing is written: the failing references are listed on standard error (no
value) and the exit status is 1.`,
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: '<file>',
      description: 'Write to this file (mode 0600) instead of standard output',
    },
    format: FORMAT_OPTION,
    encode: ENCODE_OPTION,
  },
  minArgs: 0,
  maxArgs: 1,
  progress: 'resolving references',
  async run({ io, values, args, getManager, explain, signal, fileSystem }) {
    const encode = choiceValue(values, 'encode', ['uri']);
    const input = await readDocument(args[0], io, choiceValue(values, 'format', ['json', 'text']), signal);
    let resolved: unknown = input.value;
    try {
      if (findSecretRefs(input.value).length > 0) {
        resolved = await resolveConnection(input.value, await getManager(), { encode, signal });
      }
    } catch (error) {
      if (!(error instanceof SecretResolutionError)) throw error;
      reportUnresolved(io.stderr, error, {
        outcome: 'nothing written',
        explain,
        where: input.format === 'text' ? textLocator(input.value) : undefined,
      });
      return 1;
    }
    const text = input.format === 'text' ? String(resolved) : formatJsonDocument(resolved);
    const output = stringValue(values, 'output');
    if (output === undefined || output === '-') io.stdout.write(text);
    else await writePrivateFile(output, text, fileSystem);
    return 0;
  },
};

/**
 * Where each failing reference sits in a text input (its issues all have the path `[]`): issues come in text order,
 * so each is looked for after the previous one of the same text.
 */
function textLocator(text: string): (issue: { ref: string }) => string {
  const last = new Map<string, number>();
  return ({ ref }) => {
    const offset = text.indexOf(ref, (last.get(ref) ?? -1) + 1);
    if (offset === -1) return 'text';
    last.set(ref, offset);
    return lineAndColumn(text, offset);
  };
}
