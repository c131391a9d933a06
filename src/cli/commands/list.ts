import type { CliCommand } from '../command.js';
import { stringValue } from '../options.js';

/** `secret-refs list [--prefix p]`: prints Secrets Manager secret names (metadata only; Parameter Store is not listed). */
export const listCommand: CliCommand = {
  name: 'list',
  argsUsage: '',
  summary: 'List Secrets Manager secret names (never values; Parameter Store parameters are not listed)',
  options: {
    prefix: {
      type: 'string',
      valueName: '<text>',
      description: 'Only secrets whose name starts with this text',
    },
    long: {
      type: 'boolean',
      short: 'l',
      description: 'Also print each ARN and last change date, tab-separated',
    },
    json: {
      type: 'boolean',
      description: 'Print a JSON array of { name, arn, description, lastChangedDate }',
    },
  },
  minArgs: 0,
  maxArgs: 0,
  async run({ io, values, getManager, signal }) {
    const manager = await getManager();
    const secrets = manager.listSecrets({ prefix: stringValue(values, 'prefix'), signal });
    if (values.json === true) {
      const all = [];
      for await (const secret of secrets) {
        all.push({
          name: secret.name,
          arn: secret.arn,
          description: secret.description,
          lastChangedDate: secret.lastChangedDate?.toISOString(),
        });
      }
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return 0;
    }
    for await (const secret of secrets) {
      const line =
        values.long === true
          ? [secret.name, secret.arn ?? '-', secret.lastChangedDate?.toISOString() ?? '-'].join('\t')
          : secret.name;
      io.stdout.write(`${line}\n`);
    }
    return 0;
  },
};
