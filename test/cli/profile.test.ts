import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';
import { runCliProcess } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  secrets: [{ name: 'prod/db', secretString: JSON.stringify({ username: 'app', password: CANARY }) }],
});

let home: string;
let sso: Server;
/** Serves the SSO role's temporary credentials (with their session token). */
let ssoEndpoint: LocalSecretsManager;
let ssoUrl: string;
const ssoRequests: string[] = [];
const START_URL = 'https://example.awsapps.com/start';

/** A temporary HOME with ~/.aws/config and ~/.aws/credentials for the local endpoint's keys (never the real HOME). */
beforeAll(async () => {
  const sm = endpoint();
  home = await mkdtemp(join(tmpdir(), 'secret-refs-home-'));
  await mkdir(join(home, '.aws'));
  const { accessKeyId, secretAccessKey } = sm.credentials;
  const creds = join(home, 'creds.mjs');
  await writeFile(
    creds,
    `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(accessKeyId)}, SecretAccessKey: ${JSON.stringify(secretAccessKey)} }));\n`,
  );
  // A credential_process that fails, printing a value-like token and a key on its stderr, then a second line.
  const failing = join(home, 'failing-creds.mjs');
  await writeFile(
    failing,
    `process.stderr.write('error: session expired for alice; token=${CANARY} AKIAFAILINGPROCESS01\\nsecond line ${CANARY}\\n');\nprocess.exit(3);\n`,
  );
  const badJson = join(home, 'bad-json-creds.mjs');
  await writeFile(badJson, `process.stdout.write('not json ${CANARY}');\n`);
  // An IAM Identity Center (SSO) portal stand-in: GetRoleCredentials for a valid cached token gives the keys.
  ssoEndpoint = await startLocalSecretsManager({
    region: sm.region,
    credentials: {
      accessKeyId: 'ASIALOCALSSO00000001',
      secretAccessKey: 'local/sso/secret/access/key/0000000000000',
      sessionToken: 'sso-session-token',
    },
    secrets: [{ name: 'prod/db', secretString: JSON.stringify({ username: 'sso-app' }) }],
  });
  const role = ssoEndpoint.credentials;
  sso = createServer((request, response) => {
    ssoRequests.push(`${request.method} ${request.url} ${request.headers['x-amz-sso_bearer_token'] ?? ''}`);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: role.accessKeyId,
          secretAccessKey: role.secretAccessKey,
          sessionToken: role.sessionToken,
          expiration: Date.now() + 3_600_000,
        },
      }),
    );
  });
  await new Promise<void>((resolve) => sso.listen(0, '127.0.0.1', resolve));
  const address = sso.address();
  ssoUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  await mkdir(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  await writeFile(
    join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(START_URL).digest('hex')}.json`),
    JSON.stringify({
      startUrl: START_URL,
      region: sm.region,
      accessToken: 'sso-access-token',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  );
  await writeFile(
    join(home, '.aws', 'config'),
    [
      '[default]',
      `region = ${sm.region}`,
      '[profile ops]',
      `region = ${sm.region}`,
      '[profile keys-only]',
      '[profile process]',
      `region = ${sm.region}`,
      `credential_process = ${process.execPath} ${creds}`,
      '[profile failing]',
      `region = ${sm.region}`,
      `credential_process = ${process.execPath} ${failing} --token ${CANARY}`,
      '[profile bad-json]',
      `region = ${sm.region}`,
      `credential_process = ${process.execPath} ${badJson}`,
      '[profile sso-expired]',
      `region = ${sm.region}`,
      'sso_start_url = https://expired.awsapps.com/start',
      `sso_region = ${sm.region}`,
      'sso_account_id = 123456789012',
      'sso_role_name = Reader',
      '[profile sso]',
      `region = ${sm.region}`,
      `sso_start_url = ${START_URL}`,
      `sso_region = ${sm.region}`,
      'sso_account_id = 123456789012',
      'sso_role_name = Reader',
      '[profile wrong]',
      `region = ${sm.region}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(home, '.aws', 'credentials'),
    [
      '[ops]',
      `aws_access_key_id = ${accessKeyId}`,
      `aws_secret_access_key = ${secretAccessKey}`,
      '[keys-only]',
      `aws_access_key_id = ${accessKeyId}`,
      `aws_secret_access_key = ${secretAccessKey}`,
      '[wrong]',
      `aws_access_key_id = ${accessKeyId}`,
      `aws_secret_access_key = ${CANARY}-not-the-key`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await new Promise((resolve) => sso?.close(resolve));
  await ssoEndpoint?.close();
});

/** Only HOME, the endpoint and what the test adds: no AWS_REGION, no keys. */
function cli(args: string[], extra: Record<string, string> = {}) {
  return runCliProcess(args, {
    env: { HOME: home, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint().endpoint, ...extra },
  });
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(endpoint().credentials.secretAccessKey);
  }
}

describe('profiles, as the AWS CLI resolves them (the built CLI, a temporary HOME)', () => {
  it('AWS_PROFILE and --profile read keys from ~/.aws/credentials and the region from ~/.aws/config', async () => {
    const [fromEnv, fromFlag] = await Promise.all([
      cli(['get', 'prod/db:username'], { AWS_PROFILE: 'ops' }),
      cli(['get', '--profile', 'ops', 'prod/db:username']),
    ]);
    expect(fromEnv).toMatchObject({ code: 0, stdout: 'app\n', stderr: '' });
    expect(fromFlag).toMatchObject({ code: 0, stdout: 'app\n', stderr: '' });
  });

  it('a credential_process profile', async () => {
    const result = await cli(['get', 'prod/db:username'], { AWS_PROFILE: 'process' });
    expect(result).toMatchObject({ code: 0, stdout: 'app\n', stderr: '' });
  });

  it('a failing credential_process: its own first line, cleaned of values, and the advice of its kind; never what it printed', async () => {
    const [plain, verbose] = await Promise.all([
      cli(['get', 'prod/db:password'], { AWS_PROFILE: 'failing' }),
      cli(['get', '--verbose', '--profile', 'failing', 'prod/db:password']),
    ]);
    expect(plain).toMatchObject({ code: 1, stdout: '' });
    expect(plain.stderr).toBe(
      'secret-refs: invalid_credentials: the credential_process of profile "failing" (AWS_PROFILE) failed: "error: session expired for alice; token=… …"; run its command (credential_process in the AWS config file) by hand to see the whole error, fix it or sign in again, then retry\n',
    );
    expect(verbose.stderr).toContain(
      'secret-refs: credentials: profile "failing" (--profile): credential_process\n',
    );
    for (const result of [plain, verbose]) {
      expectNoSecret(result.stdout, result.stderr);
      expect(result.stderr).not.toContain('AKIAFAILINGPROCESS01');
      expect(result.stderr).not.toContain('second line');
      expect(result.stderr).not.toContain('Could not load credentials from any providers');
    }
  });

  it('a credential_process whose output is not credentials, and an SSO profile never signed in: advice of their kind', async () => {
    const [badJson, sso] = await Promise.all([
      cli(['get', 'prod/db:username'], { AWS_PROFILE: 'bad-json' }),
      cli(['get', 'prod/db:username'], { AWS_PROFILE: 'sso-expired' }),
    ]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(
      /^secret-refs: invalid_credentials: the credential_process of profile "bad-json" \(AWS_PROFILE\) failed: "returned invalid JSON\."; run its command/,
    );
    expect(sso.code).toBe(1);
    expect(sso.stderr).toBe(
      'secret-refs: invalid_credentials: no AWS credentials could be loaded from profile "sso-expired" (AWS_PROFILE); sign in again: aws sso login --profile sso-expired\n',
    );
    expectNoSecret(badJson.stdout, badJson.stderr, sso.stdout, sso.stderr);
  });

  it('an SSO profile: the cached token is exchanged for role credentials', async () => {
    const result = await runCliProcess(['get', 'prod/db:username'], {
      env: {
        HOME: home,
        AWS_PROFILE: 'sso',
        AWS_ENDPOINT_URL_SSO: ssoUrl,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: ssoEndpoint.endpoint,
      },
    });
    expect(result).toMatchObject({ code: 0, stdout: 'sso-app\n', stderr: '' });
    expect(ssoRequests).toEqual([
      'GET /federation/credentials?account_id=123456789012&role_name=Reader sso-access-token',
    ]);
  });

  it('the [default] region serves keys from the environment; a profile without a region does not fall back to it', async () => {
    const { accessKeyId, secretAccessKey } = endpoint().credentials;
    const [envKeys, keysOnly] = await Promise.all([
      cli(['test-connection'], { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey }),
      cli(['test-connection', '--profile', 'keys-only']),
    ]);
    expect(envKeys).toMatchObject({ code: 0, stderr: '' });
    expect(envKeys.stdout).toContain('eu-west-1');
    // As in the AWS CLI: a named profile's settings do not inherit from [default].
    expect(keysOnly).toMatchObject({
      code: 2,
      stderr:
        'secret-refs: no region: pass --region or set AWS_REGION, or set region in profile "keys-only"\n',
    });
  });

  it('--profile nosuch (or AWS_PROFILE=nosuch) is bad usage naming the profile', async () => {
    const [flag, env] = await Promise.all([
      cli(['get', '--profile', 'nosuch', 'prod/db:username']),
      cli(['list'], { AWS_PROFILE: 'nosuch' }),
    ]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      `secret-refs: profile "nosuch" (--profile) is not in ${join(home, '.aws', 'config')} or ${join(home, '.aws', 'credentials')}\n`,
    );
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('profile "nosuch" (AWS_PROFILE) is not in');
  });

  it('keys in the environment win over AWS_PROFILE; --profile wins over both', async () => {
    const { accessKeyId } = endpoint().credentials;
    const wrongKeys = { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: `${CANARY}-wrong` };
    const [envKeys, flag] = await Promise.all([
      cli(['get', 'prod/db:username'], { ...wrongKeys, AWS_PROFILE: 'ops', AWS_REGION: 'eu-west-1' }),
      cli(['get', '--profile', 'ops', 'prod/db:username'], wrongKeys),
    ]);
    expect(envKeys.code).toBe(1);
    expect(envKeys.stderr).toMatch(/^secret-refs: invalid_credentials: /);
    expect(flag).toMatchObject({ code: 0, stdout: 'app\n' });
    expectNoSecret(envKeys.stdout, envKeys.stderr);
  });

  it('refused keys of a profile: exit 1 in the CLI words (environment variables, not library options)', async () => {
    const result = await cli(['get', 'prod/db:password'], { AWS_PROFILE: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^secret-refs: invalid_credentials: AWS rejected the credentials/);
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN');
    expect(result.stderr).not.toContain('`accessKeyId`');
    expectNoSecret(result.stdout, result.stderr);
  });

  it('no region in the flags, the environment or the profile is bad usage saying where to set one', async () => {
    const result = await runCliProcess(['list'], {
      env: { HOME: join(home, 'empty'), AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint().endpoint },
    });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'secret-refs: no region: pass --region or set AWS_REGION\n',
    });
  });
});
