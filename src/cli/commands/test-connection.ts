import type { CliCommand } from '../command.js';

/** `secret-refs test-connection`: checks that the credentials and the endpoint answer. */
export const testConnectionCommand: CliCommand = {
  name: 'test-connection',
  argsUsage: '',
  summary: 'Check that the credentials, region and endpoint work',
  options: {
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  minArgs: 0,
  maxArgs: 0,
  async run({ io, values, getManager, signal }) {
    const manager = await getManager();
    const result = await manager.testConnection(signal === undefined ? {} : { signal });
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (result.ok) {
      const where = [result.region, result.endpoint].filter((part) => part !== undefined).join(', ');
      io.stdout.write(`ok${where === '' ? '' : ` (${where})`} in ${Math.round(result.latencyMs)} ms\n`);
    } else {
      io.stdout.write(`failed: ${result.code}: ${result.message}\n`);
    }
    return result.ok ? 0 : 1;
  },
};
