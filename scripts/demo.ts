/**
 * `npm run demo`: secret-refs against a local stand-in for AWS Secrets Manager, seeded with
 * examples/demo-secrets.json — no AWS account, no set-up. First the few lines of library code a newcomer copies
 * (examples/quick-start.ts, printed and run), then the command line (the real CLI code in-process, `runCli`).
 * Exits 1 only if something did not behave as shown (the broken connection is expected to fail).
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findSecretRefs, resolveConnection, type SecretManager } from 'secret-refs';
import { readDemoSecrets, readDemoSeed, startDemoEndpoint } from '../examples/demo-endpoint.js';
import { quickStart } from '../examples/quick-start.js';
import { runCli } from '../src/cli/cli.js';
import type { CliIo } from '../src/cli/io.js';
import { createCliManager } from '../src/cli/manager.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text);
const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[22m` : text);
const example = (name: string) =>
  relative(process.cwd(), fileURLToPath(new URL(`../examples/${name}`, import.meta.url)));

const started = performance.now();
const local = await startDemoEndpoint();
const problems: string[] = [];

/** Runs `secret-refs <argv>` in-process, prints what a terminal would show, and returns the exit status and stats. */
async function cli(argv: string[]): Promise<{ code: number; manager: SecretManager | undefined }> {
  console.log(`\n  ${bold(`$ secret-refs ${argv.join(' ')} --endpoint ${local.endpoint}`)}`);
  let manager: SecretManager | undefined;
  const io: CliIo = {
    stdin: Object.assign(Readable.from([]), { isTTY: true }),
    stdout: { write: (chunk) => process.stdout.write(indent(chunk)) },
    stderr: { write: (chunk) => process.stdout.write(indent(chunk)) },
    env: {
      AWS_REGION: local.region,
      AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
      // The local endpoint speaks Parameter Store too; the CLI reads its endpoint as the SDK would.
      AWS_ENDPOINT_URL_SSM: local.endpoint,
    },
  };
  const code = await runCli([...argv, '--endpoint', local.endpoint], io, {
    createManager: async (options) => {
      manager = await createCliManager(options);
      return manager;
    },
  });
  console.log(dim(`  exit status ${code}`));
  return { code, manager };
}

function indent(chunk: string | Uint8Array): string {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text.replace(/^(?=.)/gm, '    ');
}

/** The lines of examples/quick-start.ts between its `copy` marks, after the import of 'secret-refs' they need. */
async function quickStartLines(): Promise<string[]> {
  const source = await readFile(new URL('../examples/quick-start.ts', import.meta.url), 'utf8');
  const names = /import \{([^}]*)\} from 'secret-refs';/.exec(source)?.[1] ?? '';
  const values = names
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && !name.startsWith('type '));
  const lines = source.split('\n');
  const from = lines.findIndex((line) => line.trim() === '// copy from here');
  const to = lines.findIndex((line) => line.trim() === '// copy to here');
  const body = lines.slice(from + 1, to);
  const margin = Math.min(...body.filter((line) => line.trim() !== '').map((line) => line.search(/\S/)));
  return [
    `import { ${values.join(', ')} } from 'secret-refs';`,
    '',
    ...body.map((line) => line.slice(margin)),
  ];
}

function expect(condition: boolean, problem: string): void {
  if (!condition) problems.push(problem);
}

try {
  console.log(bold('secret-refs demo'));
  console.log(`A local Secrets Manager endpoint is running at ${local.endpoint} (${local.region}) with:`);
  for (const secret of await readDemoSecrets()) {
    const shape =
      typeof secret.value === 'string'
        ? 'a plain string'
        : `JSON keys ${Object.keys(secret.value as object).join(', ')}`;
    console.log(`  • ${secret.name} — ${shape}`);
  }
  console.log('and Parameter Store parameters:');
  for (const parameter of (await readDemoSeed()).parameters ?? []) {
    console.log(
      `  • ${parameter.name} — ${parameter.type ?? 'String'}${parameter.labels ? ` (label ${parameter.labels.join(', ')})` : ''}`,
    );
  }

  console.log(`\n${bold('1. In your code — the lines to copy (examples/quick-start.ts)')}`);
  for (const line of await quickStartLines()) console.log(`  ${line}`);
  console.log(
    dim("  (against AWS, leave out `endpoint`; credentials may also come from the SDK's default chain)"),
  );
  const connection = JSON.parse(await readFile(example('connection.json'), 'utf8'));
  console.log('\n  Output, with the props of examples/connection.json:');
  const print = console.log;
  console.log = (line: unknown) => print(indent(String(line)));
  const manager = await quickStart(
    { region: local.region, ...local.credentials, endpoint: local.endpoint },
    connection,
  ).finally(() => {
    console.log = print;
  });
  expect(
    manager.stats().apiCalls === 1,
    `quick start made ${manager.stats().apiCalls} API calls, expected 1`,
  );
  await resolveConnection(connection.value.props, manager);
  const cached = manager.stats();
  const plural = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  console.log(
    `\n  Resolved again: ${plural(cached.apiCalls - 1, 'more API call')}, ${plural(cached.hits, 'cache hit')}.`,
  );
  expect(cached.apiCalls === 1, `the second resolve made ${cached.apiCalls - 1} API calls, expected 0`);

  console.log(`\n${bold('2. Check every reference from the command line — fetches them, prints no value')}`);
  console.log(
    `${example('connection.json')}: CloudFormation and Activepieces references, one embedded in a URL,`,
  );
  console.log(
    'a nested JSON path, and an automation template ({{trigger.body.orderId}}) that is left alone.',
  );
  local.resetRequests();
  const check = await cli(['check', example('connection.json')]);
  expect(check.code === 0, `check on connection.json exited ${check.code}, expected 0`);
  const checkCalls = local.requests.length;
  const refs = findSecretRefs(connection);
  const secretCount = new Set(refs.map((found) => found.ref?.secretId)).size;
  console.log(
    `\n  ${refs.length} references to ${secretCount} secrets cost ${checkCalls} API call${checkCalls === 1 ? '' : 's'} ` +
      `(${[...new Set(local.requests.map((request) => request.action))].join(', ')}).`,
  );
  expect(checkCalls === 1, `check made ${checkCalls} API calls, expected 1 (one batch)`);

  console.log(`\n${bold('2b. One connection, both services: Secrets Manager and Parameter Store')}`);
  console.log(
    `${example('mixed-connection.json')}: secrets beside {{resolve:ssm:…}}, a StringList and an ssm-secure label.`,
  );
  local.resetRequests();
  const mixed = await cli(['check', example('mixed-connection.json')]);
  expect(mixed.code === 0, `check on mixed-connection.json exited ${mixed.code}, expected 0`);
  const byService = (service: string) =>
    local.requests.filter((request) => request.service === service).map((request) => request.action);
  console.log(
    `\n  Secrets Manager: ${byService('secretsmanager').join(', ')}; Parameter Store: ${byService('ssm').join(', ')}` +
      ' (one call without decryption, one with: a SecureString is read only by ssm-secure).',
  );
  expect(
    byService('secretsmanager').length === 1 && byService('ssm').length === 2,
    `the mixed check made ${byService('secretsmanager').length} + ${byService('ssm').length} calls, expected 1 + 2`,
  );

  console.log(`\n${bold('3. Check a broken connection — a failure is expected here')}`);
  console.log('A misspelt key, a secret that does not exist, a key asked of a plain-string secret, and a');
  console.log(
    'reference naming both a version stage and a version id. Each line says where and why; still no value.',
  );
  const broken = await cli(['check', example('broken-connection.json')]);
  expect(broken.code === 1, `check on broken-connection.json exited ${broken.code}, expected 1`);

  console.log(`\n${bold('4. Bad usage is one line and exit status 2')}`);
  const usage = await cli(['check', '--verbose']);
  expect(usage.code === 2, `bad usage exited ${usage.code}, expected 2`);
} finally {
  await local.close();
}

if (problems.length > 0) {
  console.error(
    `\nThe demo did not go as expected:\n${problems.map((problem) => `  ✖ ${problem}`).join('\n')}`,
  );
  process.exitCode = 1;
} else {
  console.log(
    `\n${bold('Done')} in ${Math.round(performance.now() - started)} ms. Everything behaved as expected.`,
  );
}
