import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { createMaskingWriter } from '../../src/cli/mask-stream.js';
import { createMasker } from '../../src/resolve/mask.js';
import { CANARY } from '../support/canary.js';
import { exitWithin, spawnCli } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { fakeManager, makeIo } from './helpers.js';

const secrets = { 'prod/db': JSON.stringify({ password: CANARY, user: 'app' }) };
const node = process.execPath;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-run-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string>) {
  const { io, out, err } = makeIo({ env: { PATH: process.env.PATH ?? '', ...env } });
  const manager = fakeManager(secrets);
  const code = await runCli(argv, io, { createManager: () => manager });
  return { code, out: out(), err: err(), manager };
}

const printEnv = (names: string[]) =>
  `for (const n of ${JSON.stringify(names)}) console.log(n + '=' + process.env[n]); console.error('err:' + process.env.${names[0]})`;

describe('secret-refs run', () => {
  it('starts the command with the references in its environment resolved, values masked in its output', async () => {
    const result = await run(['run', '--', node, '-e', printEnv(['DB_PASSWORD', 'DSN', 'PLAIN'])], {
      DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      DSN: 'postgres://{{resolve:secretsmanager:prod/db:SecretString:user}}:{{resolve:secretsmanager:prod/db:SecretString:password}}@db/app',
      PLAIN: 'hello',
    });
    expect(result.code).toBe(0);
    expect(result.out).toBe('DB_PASSWORD=****\nDSN=postgres://app:****@db/app\nPLAIN=hello\n');
    expect(result.err).toBe('err:****\n');
  });

  it('--no-masking passes the output through; the command really got the value', async () => {
    const result = await run(['run', '--no-masking', '--', node, '-e', printEnv(['DB_PASSWORD'])], {
      DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
    });
    expect(result).toMatchObject({ code: 0, out: `DB_PASSWORD=${CANARY}\n`, err: `err:${CANARY}\n` });
  });

  it('--env-file adds variables; ones already in the environment win', async () => {
    const file = join(dir, 'app.env');
    await writeFile(
      file,
      '# settings\nexport_ok=1\nDB_PASSWORD="{{resolve:secretsmanager:prod/db:SecretString:password}}"\nMODE=file\n',
    );
    const result = await run(
      ['run', '--no-masking', '--env-file', file, '--', node, '-e', printEnv(['DB_PASSWORD', 'MODE'])],
      { MODE: 'env' },
    );
    expect(result).toMatchObject({ code: 0, out: `DB_PASSWORD=${CANARY}\nMODE=env\n` });
  });

  it('an unreadable --env-file is bad usage, exit 2, nothing started', async () => {
    const missing = join(dir, 'missing.env');
    const result = await run(['run', '--env-file', missing, '--', node, '-e', 'console.log("started")'], {});
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(
      `secret-refs: cannot read --env-file ${missing}: no such file (ENOENT); check the path\n`,
    );
  });

  it('a failing reference starts nothing: exit 1, the variable named, no value printed', async () => {
    const marker = join(dir, 'started');
    const result = await run(
      ['run', '--', node, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`],
      {
        DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
        API_KEY: '{{resolve:secretsmanager:prod/missing}}',
      },
    );
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('1 reference could not be resolved; ');
    expect(result.err).toMatch(/API_KEY +\{\{resolve:secretsmanager:prod\/missing\}\} +secret_not_found: /);
    expect(result.err).not.toContain(CANARY);
    expect(await readdir(dir)).not.toContain('started');
  });

  it('exits with the command status; 127 for a command not found; no manager without references', async () => {
    const status = await run(['run', '--', node, '-e', 'process.exit(7)'], { PLAIN: 'x' });
    expect(status.code).toBe(7);
    expect(status.manager.log.getSecrets).toEqual([]);
    const missing = await run(['run', '--', join(dir, 'no-such-command')], {});
    expect(missing).toMatchObject({ code: 127, out: '' });
    expect(missing.err).toBe(
      `secret-refs: cannot start ${join(dir, 'no-such-command')}: command not found (ENOENT); check its name and PATH, or give its full path\n`,
    );
  });

  it('a command that is not executable is exit 126 with what to do', async () => {
    const script = join(dir, 'not-executable.sh');
    await writeFile(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const result = await run(['run', '--', script], {});
    expect(result).toMatchObject({ code: 126, out: '' });
    expect(result.err).toBe(
      `secret-refs: cannot start ${script}: permission denied (EACCES); make it executable (chmod +x) or run it through its interpreter\n`,
    );
  });

  it.each([
    ['piped', false, 'INT\n'],
    ['a terminal (Ctrl-C already reached the command; not sent twice)', true, 'TERM\n'],
  ])('passes signals on; stdin %s', async (_label, tty, expected) => {
    let forward: ((signal: NodeJS.Signals) => void) | undefined;
    const signals = {
      capture(handler: (signal: NodeJS.Signals) => void) {
        forward = handler;
        return () => {
          forward = undefined;
        };
      },
    };
    const { io, out } = makeIo({ tty, env: { PATH: process.env.PATH ?? '' } });
    const script =
      "process.on('SIGINT', () => { console.log('INT'); process.exit(0); });" +
      "process.on('SIGTERM', () => { console.log('TERM'); process.exit(0); });" +
      "console.log('ready'); setInterval(() => {}, 1000);";
    const running = runCli(['run', '--', node, '-e', script], io, { signals });
    for (let tries = 0; !out().includes('ready') && tries < 750; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    forward?.('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    forward?.('SIGTERM');
    expect(await running).toBe(0);
    expect(out()).toBe(`ready\n${expected}`);
    expect(forward).toBeUndefined();
  });

  it('without -- (or with nothing after it) is bad usage, exit 2', async () => {
    for (const argv of [['run', 'node', 'x.js'], ['run'], ['run', '--']]) {
      const result = await run(argv, {});
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/^secret-refs: run needs /);
    }
  });
});

describe('masking a stream', () => {
  it('hides every value wherever the chunks split it, and changes nothing else (fast-check)', () => {
    const values = [CANARY, 'pa"ss\nword', 'héllo-wörld'];
    const masker = createMasker(values);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 12 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, cuts) => {
          const bytes = Buffer.from(parts.join(''), 'utf8');
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const out: Buffer[] = [];
          const writer = createMaskingWriter(values, (chunk) => out.push(Buffer.from(chunk)));
          let from = 0;
          for (const point of [...points, bytes.length]) {
            writer.write(bytes.subarray(from, point));
            from = point;
          }
          writer.end();
          const text = Buffer.concat(out).toString('utf8');
          for (const value of values) expect(text).not.toContain(value);
          expect(text).toBe(masker.mask(parts.join('')));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hides the escaped and percent-encoded forms wherever the chunks split them (fast-check)', () => {
    const values = ['Xy&<9>/é"Qw', 'pa ss/wörd'];
    const go = (text: string) =>
      JSON.stringify(text)
        .slice(1, -1)
        .replace(/[&<>]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    const python = (text: string) =>
      JSON.stringify(text)
        .slice(1, -1)
        .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const forms = values.flatMap((value) => [value, go(value), python(value), encodeURIComponent(value)]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...forms), fc.string({ maxLength: 6 })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, cuts) => {
          const bytes = Buffer.from(parts.join(''), 'utf8');
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const out: Buffer[] = [];
          const writer = createMaskingWriter(values, (chunk) => out.push(Buffer.from(chunk)));
          let from = 0;
          for (const point of [...points, bytes.length]) {
            writer.write(bytes.subarray(from, point));
            from = point;
          }
          writer.end();
          const text = Buffer.concat(out).toString('utf8');
          for (const form of forms) expect(text).not.toContain(form);
          expect(text).toBe(createMasker(values).mask(parts.join('')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes non-UTF-8 bytes through unchanged and writes output that cannot start a value at once', () => {
    const out: Buffer[] = [];
    const writer = createMaskingWriter([CANARY], (chunk) => out.push(Buffer.from(chunk)));
    writer.write(Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    expect(Buffer.concat(out)).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    writer.write(Buffer.from('prompt> CANARY-7f'));
    expect(Buffer.concat(out).toString('latin1').endsWith('prompt> ')).toBe(true);
    writer.write(Buffer.from('3a9c-do-not-leak!'));
    writer.end();
    expect(Buffer.concat(out).subarray(4).toString()).toBe('prompt> ****!');
  });
});

describe('secret-refs run, the built CLI against the local endpoint', () => {
  const endpoint = useLocalEndpoint({
    region: 'eu-west-1',
    secrets: [{ name: 'prod/db', secretString: JSON.stringify({ password: CANARY }) }],
  });

  it('passes a signal on to the command and exits with its status; the environment is the one given', async () => {
    const sm = endpoint();
    const script =
      "process.on('SIGTERM', () => { console.log('got SIGTERM with ' + process.env.DB_PASSWORD + ' ' + process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED); process.exit(3); });" +
      "console.log('ready'); setInterval(() => {}, 1000);";
    const cli = spawnCli(['run', '--', node, '-e', script], {
      env: {
        HOME: join(dir, 'home'),
        AWS_REGION: sm.region,
        AWS_ACCESS_KEY_ID: sm.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sm.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      },
    });
    for (let tries = 0; !cli.stdout().includes('ready') && tries < 750; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    cli.child.kill('SIGTERM');
    const exit = await exitWithin(cli, 15_000);
    expect(exit).toMatchObject({
      code: 3,
      signal: null,
      stdout: 'ready\ngot SIGTERM with **** undefined\n',
      stderr: '',
    });
    // One read: the values to mask come from the cache the resolve filled.
    expect(sm.requests).toHaveLength(1);
  });
});
