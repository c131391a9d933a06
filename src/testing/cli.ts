/**
 * Starts a local Secrets Manager endpoint for manual use and prints how to reach it.
 *
 *   npx tsx src/testing/cli.ts [seed.json] [--port 4566] [--region eu-west-1]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseSeedFile } from './seed-file.js';
import { startLocalSecretsManager } from './server.js';

const ARGS = {
  options: { port: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
} as const;
const USAGE = 'usage: npx tsx src/testing/cli.ts [seed.json] [--port N] [--region REGION]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs(ARGS);
  if (values.help === true || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const file = positionals[0];
  const options = file === undefined ? {} : parseSeedFile(await readFile(file, 'utf8'));
  if (values.port !== undefined) options.port = Number(values.port);
  if (values.region !== undefined) options.region = values.region;
  const sm = await startLocalSecretsManager(options);
  const lines = [
    `Local Secrets Manager listening on ${sm.endpoint}`,
    `  AWS_ENDPOINT_URL_SECRETS_MANAGER=${sm.endpoint}`,
    `  AWS_REGION=${sm.region}`,
    `  AWS_ACCESS_KEY_ID=${sm.credentials.accessKeyId}`,
    `  AWS_SECRET_ACCESS_KEY=${sm.credentials.secretAccessKey}`,
    ...(sm.credentials.sessionToken === undefined
      ? []
      : [`  AWS_SESSION_TOKEN=${sm.credentials.sessionToken}`]),
    `  secrets: ${(options.secrets ?? []).map((s) => sm.arnOf(s.name)).join(', ') || '(none)'}`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sm.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // The command line, the seed file and the port are the user's: one line, and usage for a bad command line.
    const badUsage = String((err as { code?: unknown } | null)?.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `${err instanceof Error ? err.message : String(err)}\n${badUsage ? `${USAGE}\n` : ''}`,
    );
    process.exitCode = badUsage ? 2 : 1;
  },
);
