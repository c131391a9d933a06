import type { TestConnectionResult } from '../../types.js';
import type { CliCommand } from '../command.js';
import { stringValue } from '../options.js';
import type { CliProblem } from '../wording.js';

/** `secret-refs test-connection [--secret id]`: checks that the credentials and the endpoint answer. */
export const testConnectionCommand: CliCommand = {
  name: 'test-connection',
  argsUsage: '',
  summary: 'Check that the credentials, region and endpoint work',
  details: `Lists one secret (ListSecrets). Keys that authenticate but may not list (a policy scoped to a
few secrets) are "authenticated, listing not allowed", exit 0; refused keys fail, exit 1. With
--secret, tests access to that one secret instead (DescribeSecret, else GetSecretValue; no value is
printed). Shows the account and the principal when AWS names them.`,
  options: {
    secret: {
      type: 'string',
      valueName: '<id>',
      description: 'Test access to this secret (name or ARN) instead of listing',
    },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  minArgs: 0,
  maxArgs: 0,
  progress: 'testing the connection',
  async run({ io, values, getManager, explain, signal }) {
    const manager = await getManager();
    const result = await manager.testConnection({ signal, secretId: stringValue(values, 'secret') });
    // A failure is the CLI's failure line on stderr, as for every other command; --json prints the result either way.
    if (values.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.ok) io.stdout.write(`${describe(result, explain)}\n`);
    else io.stderr.write(`secret-refs: test-connection ${describe(result, explain)}\n`);
    return result.ok ? 0 : 1;
  },
};

/**
 * One line: `ok (eu-west-1) in 12 ms`, `authenticated, listing not allowed (…)`, `ok: secret prod/db can be read
 * (…)` or `failed: code: message`, then the account and principal when known.
 */
function describe(result: TestConnectionResult, explain: (problem: CliProblem) => string): string {
  const who = [
    result.account === undefined ? undefined : `account ${result.account}`,
    result.principal === undefined ? undefined : `as ${result.principal}`,
  ].filter((part) => part !== undefined);
  const identity = who.length === 0 ? '' : `; ${who.join(', ')}`;
  if (!result.ok) return `failed: ${result.code}: ${explain(result)}${identity}`;
  const where = [result.region, result.endpoint].filter((part) => part !== undefined).join(', ');
  const place = `${where === '' ? '' : ` (${where})`} in ${Math.round(result.latencyMs)} ms`;
  if (result.secretId !== undefined) return `ok: secret ${result.secretId} is reachable${place}${identity}`;
  if (result.listAllowed === false) return `authenticated, listing not allowed${place}${identity}`;
  return `ok${place}${identity}`;
}
