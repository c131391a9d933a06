import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN, exitWithin, spawnCli } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

// What `secret-refs run` does with its command's output, through real processes: the CLI under tsx, its command a
// real child, real pipes between them.
const PASSWORD = 'Xy&<9>/é"Qw-7f3a';
const WHOLE = { user: 'app-user', password: "Leaf=pw/9'x", port: 5432 };
const node = process.execPath;

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  secrets: [
    { name: 'prod/pw', secretString: PASSWORD },
    { name: 'prod/whole', secretString: JSON.stringify(WHOLE) },
  ],
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-run-output-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): Record<string, string> {
  const sm = endpoint();
  return {
    HOME: join(dir, 'home'),
    AWS_REGION: sm.region,
    AWS_ACCESS_KEY_ID: sm.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sm.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    PW: '{{resolve:secretsmanager:prod/pw}}',
    ...extra,
  };
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('secret-refs run masks the forms programs print', () => {
  // python3 is provisioned with the integration project's servers (test/support/provision.ts).
  it("hides Python's ensure_ascii JSON and percent-encoding, written by a real Python program", async () => {
    const script = [
      'import json, os, urllib.parse',
      "pw = os.environ['PW']",
      'print(json.dumps({"pw": pw}))',
      'print(urllib.parse.quote(pw, safe=""))',
      'print(urllib.parse.quote_plus(pw + " x"))',
    ].join('\n');
    const exit = await exitWithin(spawnCli(['run', '--', 'python3', '-c', script], { env: env() }), 15_000);
    expect(exit.stderr).toBe('');
    expect(exit.stdout).toBe('{"pw": "****"}\n****\n****+x\n');
    expect(exit.code).toBe(0);
  });

  it('hides Go, PHP and Java (Gson) JSON escapes, and each string of a JSON secret referenced whole', async () => {
    // The child writes what those encoders write for the value, byte for byte.
    const script = `
      const pw = process.env.PW;
      const u = (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
      const json = JSON.stringify(pw).slice(1, -1);
      console.log('go ' + json.replace(/[&<>]/g, u));
      console.log('php ' + json.replace(/\\//g, '\\\\/').replace(/[^\\x00-\\x7f]/g, u));
      console.log('gson ' + json.replace(/[&<>=']/g, u));
      const whole = JSON.parse(process.env.WHOLE);
      console.log('user=' + whole.user + ' password=' + whole.password + ' port=' + whole.port);
      console.error('encoded ' + encodeURIComponent(whole.password));`;
    const exit = await exitWithin(
      spawnCli(['run', '--', node, '-e', script], {
        env: env({ WHOLE: '{{resolve:secretsmanager:prod/whole}}' }),
      }),
      15_000,
    );
    expect(exit.stdout).toBe('go ****\nphp ****\ngson ****\nuser=**** password=**** port=5432\n');
    expect(exit.stderr).toBe('encoded ****\n');
    expect(exit.code).toBe(0);
  });
});

describe('secret-refs run when the reader of its output goes away', () => {
  it.each([
    ['standard output', ''],
    ['standard error', ' >&2'],
  ])(
    'closes the command’s %s as a shell would, waits for it and exits with its status',
    async (_label, redirect) => {
      const pidFile = join(dir, `pid${redirect === '' ? 'out' : 'err'}`);
      const script = `echo $$ > ${pidFile}; while :; do echo "$PW"${redirect}; done`;
      const cli = spawnCli(['run', '--', 'sh', '-c', script], { env: env(), stdin: 'ignore' });
      const stream = redirect === '' ? cli.child.stdout : cli.child.stderr;
      const first = await new Promise<string>((resolve) =>
        stream?.once('data', (chunk) => resolve(String(chunk))),
      );
      expect(first.startsWith('****\n')).toBe(true);
      stream?.destroy();
      const exit = await exitWithin(cli, 15_000);
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      // The shell died of SIGPIPE on its next write (128 + 13), and it is gone, not left running without a parent.
      expect(exit.code).toBe(141);
      expect(running(pid)).toBe(false);
    },
  );
});

describe('secret-refs run with a reader that does not read', () => {
  it('pauses the command instead of buffering its output: memory stays bounded, nothing is lost', async () => {
    const mib = 256;
    const progress = join(dir, 'written');
    // The command notes how many MiB it has handed to its stdout, so the test sees when it is held back.
    const script = `const fs = require('node:fs'); const b = Buffer.alloc(1 << 20, 'a'); let n = 0;
      (function w() { while (n < ${mib}) { n += 1; fs.writeFileSync(${JSON.stringify(progress)}, String(n));
        if (!process.stdout.write(b)) return process.stdout.once('drain', w); } })();`;
    const child = spawn(node, ['--import', 'tsx', CLI_MAIN, 'run', '--', node, '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    child.stdout.pause();
    const written = async (): Promise<number> => Number(await readFile(progress, 'utf8').catch(() => '0'));
    let peak = 0;
    let last = -1;
    for (let still = 0, tries = 0; still < 10 && tries < 300; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      const now = await written();
      still = now > 0 && now === last ? still + 1 : 0;
      last = now;
    }
    // Held back after a few MiB (the pipes' buffers and one chunk), not after everything.
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(16);
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    child.stdout.resume();
    expect(await closed).toBe(0);
    expect(received).toBe(mib * 2 ** 20);
    // The CLI under tsx takes ~95 MiB; buffering the output it could not write took it past 600 MiB.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(150);
  });
});
