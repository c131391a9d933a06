import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { createMaskingWriter } from '../../src/cli/mask-stream.js';
import { SecretFetchError } from '../../src/errors.js';
import { createMasker } from '../../src/resolve/mask.js';
import { CANARY } from '../support/canary.js';
import { exitWithin, spawnCli } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { fakeManager, makeIo } from './helpers.js';

const node = process.execPath;

async function run(argv: string[], env: Record<string, string>, secrets: Record<string, string> = {}) {
  const { io, out, err } = makeIo({ env: { PATH: process.env.PATH ?? '', ...env } });
  const code = await runCli(argv, io, { createManager: () => fakeManager(secrets) });
  return { code, out: out(), err: err() };
}

describe('secret-refs run: what is masked', () => {
  it('masks each string inside a JSON object that a JSON key of the secret holds', async () => {
    const secrets = {
      'prod/app': JSON.stringify({ db: { user: 'app-user', password: CANARY }, port: 5432 }),
    };
    const script = 'const db = JSON.parse(process.env.DB); console.log(db.user + " " + db.password);';
    const result = await run(
      ['run', '--', node, '-e', script],
      { DB: '{{resolve:secretsmanager:prod/app:SecretString:db}}' },
      secrets,
    );
    expect(result).toMatchObject({ code: 0, out: '**** ****\n', err: '' });
  });

  it('masks a value percent-encoded with its ~ escaped too (PHP urlencode, Java URLEncoder)', () => {
    const value = 'Tilde~pass-9f';
    const out: Buffer[] = [];
    const writer = createMaskingWriter([value], (chunk) => out.push(Buffer.from(chunk)));
    writer.write(Buffer.from('php Tilde%7Epass-9f java Tilde%7epass-9f\n'));
    writer.end();
    expect(Buffer.concat(out).toString()).toBe('php **** java ****\n');
    expect(createMasker([value]).mask('Tilde%7Epass-9f')).toBe('****');
  });
});

describe('secret-refs run: masking fails closed', () => {
  it('does not start the command when a resolved value cannot be read again to mask it', async () => {
    const secrets = { 'prod/app': CANARY };
    const { io, out, err } = makeIo({
      env: { PATH: process.env.PATH ?? '', DB: '{{resolve:secretsmanager:prod/app}}' },
    });
    let calls = 0;
    const code = await runCli(['run', '--', node, '-e', 'console.log(process.env.DB)'], io, {
      createManager: () => {
        const manager = fakeManager(secrets);
        return {
          ...manager,
          // The resolve reads the value; the read-back for masking is throttled.
          getSecrets: async (refs, options) =>
            ++calls === 1
              ? manager.getSecrets(refs, options)
              : refs.map(() => ({
                  ok: false as const,
                  error: new SecretFetchError('throttled', 'Rate exceeded', { transient: true }),
                })),
        };
      },
    });
    expect(code).toBe(1);
    expect(out()).toBe('');
    expect(err()).toContain('not started');
    expect(err()).toContain('throttled');
    expect(`${out()}${err()}`).not.toContain(CANARY);
  });
});

describe('secret-refs run: masking stays fast', () => {
  it('a value with a long run of backslashes is masked in output full of backslashes without stalling', () => {
    const value = `${'\\'.repeat(24)}Z`;
    const out: Buffer[] = [];
    const writer = createMaskingWriter([value], (chunk) => out.push(Buffer.from(chunk)));
    const started = Date.now();
    writer.write(Buffer.from('\\'.repeat(200)));
    writer.write(Buffer.from(`${JSON.stringify(value).slice(1, -1)} ${value}\n`));
    writer.end();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(Buffer.concat(out).toString()).toBe(`${'\\'.repeat(200)}**** ****\n`);
    const masker = createMasker([value]);
    const before = Date.now();
    expect(masker.mask('\\'.repeat(72))).toBe('\\'.repeat(72));
    expect(Date.now() - before).toBeLessThan(1_000);
  });
});

describe('secret-refs run: a command that cannot be started', () => {
  it('a path through a file is exit 126 with the reason, not bad usage', async () => {
    const result = await run(['run', '--', '/etc/passwd/app'], {});
    expect(result).toMatchObject({ code: 126, out: '' });
    expect(result.err).toBe(
      'secret-refs: cannot start /etc/passwd/app: a part of the path is a file, not a directory (ENOTDIR); check the path\n',
    );
  });

  it('a value holding a NUL byte is exit 126, and the message shows no value', async () => {
    const result = await run(
      ['run', '--', node, '-e', 'console.log("started")'],
      { TOKEN: '{{resolve:secretsmanager:prod/token}}' },
      { 'prod/token': `${CANARY}\u0000tail` },
    );
    expect(result).toMatchObject({ code: 126, out: '' });
    expect(result.err).toMatch(/^secret-refs: cannot start .*node: .*NUL/);
    expect(result.err).not.toContain('CANARY');
  });
});

describe('secret-refs run when its command has ended but left its output open', () => {
  const endpoint = useLocalEndpoint({
    region: 'eu-west-1',
    secrets: [{ name: 'prod/pw', secretString: CANARY }],
  });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-refs-run-edge-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a signal still ends run once the command is gone (a background process keeps the pipe)', async () => {
    const sm = endpoint();
    const pidFile = join(dir, 'background');
    const script = `sleep 30 & echo $! > ${pidFile}; echo "started $PW"`;
    const cli = spawnCli(['run', '--', 'sh', '-c', script], {
      stdin: 'ignore',
      env: {
        HOME: join(dir, 'home'),
        AWS_REGION: sm.region,
        AWS_ACCESS_KEY_ID: sm.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sm.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        PW: '{{resolve:secretsmanager:prod/pw}}',
      },
    });
    try {
      for (let tries = 0; !cli.stdout().includes('started') && tries < 750; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(cli.stdout()).toBe('started ****\n');
      // The shell has exited; its background sleep still holds the pipe run reads.
      await new Promise((resolve) => setTimeout(resolve, 300));
      cli.child.kill('SIGTERM');
      const exit = await exitWithin(cli, 5_000);
      expect(exit).toMatchObject({ signal: 'SIGTERM', stdout: 'started ****\n' });
      expect(exit.stderr).not.toContain(CANARY);
    } finally {
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  });
});
