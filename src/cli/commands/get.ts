import { type CliCommand, referenceArgument } from '../command.js';
import { CliUsageError } from '../io.js';

/** `secret-refs get <reference>`: prints one secret value. */
export const getCommand: CliCommand = {
  name: 'get',
  argsUsage: '<reference>',
  summary: 'Print one secret value (bare form accepted: db/prod:password)',
  details: `The reference is any form: db/prod, db/prod:password, an ARN, or
{{resolve:secretsmanager:db/prod:SecretString:password}}. The value goes to standard output.`,
  options: {
    binary: { type: 'boolean', description: 'Write the bytes of a binary secret, as they are' },
    'no-newline': { type: 'boolean', short: 'n', description: 'Do not print a newline after the value' },
  },
  minArgs: 1,
  maxArgs: 1,
  async run({ io, values, args, getManager, signal }) {
    const ref = referenceArgument(args[0] ?? '', 'reference');
    if (values.binary === true && ref.jsonKey !== undefined) {
      throw new CliUsageError(
        `--binary writes a whole binary secret: leave out the JSON key ${JSON.stringify(ref.jsonKey)}`,
      );
    }
    const manager = await getManager();
    if (values.binary === true) io.stdout.write(await manager.getSecretBinary(ref, { signal }));
    else {
      const value = await manager.getSecret(ref, { signal });
      io.stdout.write(values['no-newline'] === true ? value : `${value}\n`);
    }
    return 0;
  },
};
