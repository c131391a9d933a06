import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSeedFile } from '../../src/testing/seed-file.js';
import { CANARY } from '../support/canary.js';

const CLI = fileURLToPath(new URL('../../src/testing/cli.ts', import.meta.url));

describe('parseSeedFile', () => {
  it('reads a list of secrets, JSON-encoding object values and decoding base64 binaries', () => {
    const options = parseSeedFile(
      JSON.stringify([
        { name: 'db', secretString: { password: 'pw' }, tags: { env: 'dev' } },
        { name: 'bin', secretBinary: Buffer.from([1, 2]).toString('base64'), kmsFailure: true },
        { name: 'rot', versions: [{ versionId: 'v1', stages: ['AWSCURRENT'], secretString: 'x' }] },
      ]),
    );
    expect(options.secrets).toEqual([
      { name: 'db', secretString: '{"password":"pw"}', tags: { env: 'dev' } },
      { name: 'bin', secretBinary: new Uint8Array([1, 2]), kmsFailure: true },
      { name: 'rot', versions: [{ versionId: 'v1', stages: ['AWSCURRENT'], secretString: 'x' }] },
    ]);
  });

  it('reads server options around the secrets', () => {
    const options = parseSeedFile(
      JSON.stringify({
        region: 'eu-west-1',
        deniedActions: ['BatchGetSecretValue'],
        credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's' },
        secrets: [],
      }),
    );
    expect(options).toEqual({
      region: 'eu-west-1',
      deniedActions: ['BatchGetSecretValue'],
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's' },
      secrets: [],
    });
  });

  it('names the bad field and never quotes the content', () => {
    expect(() => parseSeedFile(`[{"name":"db","secretString":"${CANARY}"`)).toThrow(
      /^Seed file: not valid JSON$/,
    );
    expect(() => parseSeedFile(JSON.stringify([{ name: 'db', secretString: 42 }]))).toThrow(
      'Seed file: secrets[0].secretString must be a string or a JSON object',
    );
    expect(() => parseSeedFile(JSON.stringify([{ secretString: CANARY }]))).toThrow(/secrets\[0\]\.name/);
  });
});

describe('the local endpoint CLI', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    child?.kill('SIGTERM');
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('starts a server seeded from a JSON file and prints the endpoint and credentials', async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-sm-'));
    const seed = join(dir, 'seed.json');
    await writeFile(seed, JSON.stringify([{ name: 'db', secretString: { password: 'from-file' } }]));
    const proc = spawn(process.execPath, ['--import', 'tsx', CLI, seed, '--region', 'eu-central-1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const output = await new Promise<string>((resolve, reject) => {
      let text = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('Ctrl+C')) resolve(text);
      });
      proc.once('exit', (code) => reject(new Error(`CLI exited with ${code}`)));
    });
    const env = Object.fromEntries(
      [...output.matchAll(/^\s+(AWS_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect(env.AWS_REGION).toBe('eu-central-1');
    expect(output).not.toContain('from-file');
    const client = new SecretsManagerClient({
      endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
      maxAttempts: 1,
    });
    const out = await client.send(new GetSecretValueCommand({ SecretId: 'db' }));
    client.destroy();
    expect(out.SecretString).toBe('{"password":"from-file"}');
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
