import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';
import { makeIo } from './helpers.js';

const connection = {
  type: 'postgres',
  props: {
    host: '{{resolve:secretsmanager:prod/db:SecretString:host}}',
    username: '{{resolve:secretsmanager:prod/db:SecretString:username}}',
    password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
    url: 'postgres://app:{{conn-1|ap_sep_v1|prod/db:password}}@db.internal/app',
    apiKey: '{{resolve:secretsmanager:prod/api}}',
  },
};

let endpoint: LocalSecretsManager;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  endpoint = await startLocalSecretsManager({
    region: 'eu-west-1',
    secrets: [
      {
        name: 'prod/db',
        secretString: JSON.stringify({ host: 'db.internal', username: 'app', password: CANARY }),
      },
      { name: 'prod/api', secretString: CANARY },
      { name: 'dev/db', secretString: JSON.stringify({ password: 'dev' }) },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-e2e-'));
  env = {
    AWS_REGION: endpoint.region,
    AWS_ACCESS_KEY_ID: endpoint.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoint.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.endpoint,
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await endpoint?.close();
});

async function run(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const io = makeIo({
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    env: options.env ?? env,
  });
  const code = await runCli(argv, io.io);
  return { code, out: io.out(), err: io.err() };
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(endpoint.credentials.secretAccessKey);
  }
}

describe('secret-refs against the local Secrets Manager endpoint', () => {
  it('check: every reference ok, several keys of one secret in one call, no value printed', async () => {
    endpoint.resetRequests();
    const result = await run(['check'], { stdin: JSON.stringify(connection) });
    expect(result.code).toBe(0);
    expect(result.out.split('\n').filter((line) => line.endsWith('  ok'))).toHaveLength(5);
    expect(result.out).toContain('5 references, 5 ok, 0 failed');
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]?.action).toBe('BatchGetSecretValue');
    expectNoSecret(result.out, result.err);
  });

  it('check: a failing reference is reported with its code, exit 1, still no value', async () => {
    const broken = {
      ...connection,
      extra: '{{resolve:secretsmanager:prod/db:SecretString:pasword}}',
      gone: '{{resolve:secretsmanager:prod/missing}}',
      notJson: '{{resolve:secretsmanager:prod/api:SecretString:key}}',
    };
    const file = join(dir, 'broken.json');
    await writeFile(file, JSON.stringify(broken));
    for (const argv of [
      ['check', file],
      ['check', '--json', file],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(1);
      expect(result.out).toContain('json_key_not_found');
      expect(result.out).toContain('secret_not_found');
      expect(result.out).toContain('not_json');
      expectNoSecret(result.out, result.err);
    }
    expect((await run(['check', file])).out).toContain('8 references, 5 ok, 3 failed');
  });

  it('resolve: prints the resolved JSON; -o writes a 0600 file', async () => {
    const input = join(dir, 'connection.json');
    await writeFile(input, JSON.stringify(connection));
    const printed = await run(['resolve', input]);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.out).props).toEqual({
      host: 'db.internal',
      username: 'app',
      password: CANARY,
      url: `postgres://app:${CANARY}@db.internal/app`,
      apiKey: CANARY,
    });
    expectNoSecret(printed.err);

    const output = join(dir, 'resolved.json');
    const written = await run(['resolve', input, '-o', output]);
    expect(written).toEqual({ code: 0, out: '', err: '' });
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual(JSON.parse(printed.out));
    expect((await stat(output)).mode & 0o777).toBe(0o600);
  });

  it('resolve: a failing reference lists the issues on stderr without a value, exit 1', async () => {
    const input = { ...connection, gone: 'x-{{resolve:secretsmanager:prod/missing}}' };
    const result = await run(['resolve'], { stdin: JSON.stringify(input) });
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('1 reference could not be resolved; nothing written');
    expect(result.err).toContain('gone  {{resolve:secretsmanager:prod/missing}}  secret_not_found: ');
    expectNoSecret(result.err);
  });

  it('get: prints one value; a missing secret is exit 1 without a value', async () => {
    expect(await run(['get', 'prod/db:host'])).toEqual({ code: 0, out: 'db.internal\n', err: '' });
    const missing = await run(['get', 'prod/db:nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^secret-refs: json_key_not_found: /);
    expectNoSecret(missing.out, missing.err);
  });

  it('list: names, filtered by prefix; never values', async () => {
    const all = await run(['list']);
    expect(all.code).toBe(0);
    expect(all.out.split('\n').filter(Boolean).sort()).toEqual(['dev/db', 'prod/api', 'prod/db']);
    const prod = await run(['list', '--prefix', 'prod/', '--long']);
    expect(
      prod.out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[0])
        .sort(),
    ).toEqual(['prod/api', 'prod/db']);
    expect(prod.out).toContain(endpoint.arnOf('prod/db'));
    expectNoSecret(all.out, prod.out);
  });

  it('test-connection: ok with good credentials; code and message with bad ones, no credential shown', async () => {
    const ok = await run(['test-connection']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok .* in \d+ ms(; account \d{12}.*)?\n$/);

    const wrongSecret = `${CANARY}-wrong-key`;
    const bad = await run(['test-connection'], { env: { ...env, AWS_SECRET_ACCESS_KEY: wrongSecret } });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^secret-refs: test-connection failed: (invalid_credentials|access_denied): /);
    expectNoSecret(bad.out, bad.err);
  });

  it('bad credentials make check fail per reference, exit 1, with no credential or value shown', async () => {
    const wrongSecret = `${CANARY}-wrong-key`;
    const result = await run(['check', '--endpoint', endpoint.endpoint], {
      stdin: JSON.stringify(connection),
      env: {
        ...env,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
        AWS_SECRET_ACCESS_KEY: wrongSecret,
      },
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('5 references, 0 ok, 5 failed');
    expectNoSecret(result.out, result.err);
  });

  it('--profile (and AWS_PROFILE) read credentials from the shared files', async () => {
    const credentials = join(dir, 'credentials');
    const { accessKeyId, secretAccessKey } = endpoint.credentials;
    await writeFile(
      credentials,
      `[demo]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    try {
      const base = { AWS_REGION: endpoint.region, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.endpoint };
      const flag = await run(['get', '--profile', 'demo', 'prod/db:username'], { env: base });
      expect(flag).toEqual({ code: 0, out: 'app\n', err: '' });
      const fromEnv = await run(['get', 'prod/db:username'], { env: { ...base, AWS_PROFILE: 'demo' } });
      expect(fromEnv).toEqual({ code: 0, out: 'app\n', err: '' });

      const unknown = await run(['test-connection', '--profile', 'nope'], { env: base });
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(/^secret-refs: profile "nope" \(--profile\) is not in /);
      expectNoSecret(unknown.out, unknown.err);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('no region anywhere is bad usage, exit 2', async () => {
    const result = await run(['list'], { env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.endpoint } });
    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'secret-refs: no region: pass --region or set AWS_REGION\n',
    });
  });

  it('the bin entry runs under tsx with the same exit codes', async () => {
    const main = join(import.meta.dirname, '../../src/cli/main.ts');
    const exec = promisify(execFile);
    const options = { env: { ...process.env, ...env }, cwd: join(import.meta.dirname, '../..') };
    const ok = await exec(process.execPath, ['--import', 'tsx', main, 'get', 'prod/db:username'], options);
    expect(ok).toMatchObject({ stdout: 'app\n', stderr: '' });
    const usage = await exec(process.execPath, ['--import', 'tsx', main, '--nope'], options).catch(
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(usage).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'secret-refs: unknown option --nope (see secret-refs --help)\n',
    });
    expect((await readFile(main, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
