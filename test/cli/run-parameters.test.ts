import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY } from '../support/canary.js';
import { exitWithin, spawnCli } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

// `secret-refs run` with Parameter Store references, the CLI as its own process against the local endpoint.
const TOKEN = `${CANARY}/é"&x`;
const node = process.execPath;

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  parameters: [
    { name: '/app/token', type: 'SecureString', value: TOKEN },
    { name: '/app/host', value: 'api.internal' },
  ],
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-run-parameters-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function env(extra: Record<string, string>): Record<string, string> {
  const sm = endpoint();
  return {
    HOME: join(dir, 'home'),
    AWS_REGION: sm.region,
    AWS_ACCESS_KEY_ID: sm.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sm.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SSM: sm.endpoint,
    ...extra,
  };
}

// The child prints the token as is, JSON-escaped, percent-encoded, and inside a longer value.
const PRINT = [
  'const t = process.env.TOKEN;',
  'console.log(t);',
  'console.log(JSON.stringify({ t }));',
  'console.log(encodeURIComponent(t));',
  'console.error(process.env.AUTH);',
].join(' ');

describe('secret-refs run with Parameter Store references', () => {
  it('masks a value read through ssm-secure in every form the command prints, and the command got it', async () => {
    const variables = {
      TOKEN: '{{resolve:ssm-secure:/app/token}}',
      AUTH: 'Bearer {{resolve:ssm-secure:/app/token}}',
    };
    const masked = await exitWithin(
      spawnCli(['run', '--', node, '-e', PRINT], { env: env(variables) }),
      15_000,
    );
    expect(masked).toMatchObject({ code: 0, stdout: '****\n{"t":"****"}\n****\n', stderr: 'Bearer ****\n' });
    expect(masked.stdout + masked.stderr).not.toContain(CANARY);

    const plain = await exitWithin(
      spawnCli(['run', '--no-masking', '--', node, '-e', PRINT], { env: env(variables) }),
      15_000,
    );
    expect(plain.stdout.split('\n')[0]).toBe(TOKEN);
    expect(plain.stderr).toBe(`Bearer ${TOKEN}\n`);
  });

  it('an ssm reference to a SecureString starts nothing: exit 1, the variable named, no value or ciphertext', async () => {
    const marker = join(dir, 'started');
    const exit = await exitWithin(
      spawnCli(
        ['run', '--', node, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`],
        {
          env: env({ TOKEN: '{{resolve:ssm:/app/token}}', HOST: '{{resolve:ssm:/app/host}}' }),
        },
      ),
      15_000,
    );
    expect(exit.code).toBe(1);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toMatch(/TOKEN +\{\{resolve:ssm:\/app\/token\}\} +\w+: .*ssm-secure/);
    expect(exit.stderr).not.toContain('HOST');
    expect(exit.stderr).not.toContain(CANARY);
    expect(exit.stderr).not.toMatch(/[A-Za-z0-9+/=]{40,}/);
    expect(await readdir(dir)).not.toContain('started');
  });
});
