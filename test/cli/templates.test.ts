import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/cli/input.js';
import { CANARY } from '../support/canary.js';
import { runCliProcess } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { endpointEnv, runWithEnv } from './helpers.js';

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  secrets: [
    { name: 'prod/db', secretString: JSON.stringify({ username: 'app', password: CANARY }) },
    { name: 'prod/api', secretString: 'api-key-1' },
    { name: 'prod/odd', secretString: 'p@ss:w0rd/!é' },
  ],
});

const dotenv = `# app settings
DB_USER={{resolve:secretsmanager:prod/db:SecretString:username}}
DB_PASSWORD={{resolve:secretsmanager:prod/db:SecretString:password}}
API_URL=https://x:{{conn1|ap_sep_v1|prod/api}}@api.example
GREETING=hello {{step_1.output}}
`;

const yaml = `database:
  user: "{{resolve:secretsmanager:prod/db:SecretString:username}}"
  password: '{{resolve:secretsmanager:prod/db:SecretString:password}}'
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-templates-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = (): Record<string, string> => endpointEnv(endpoint());
const run = (argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
  runWithEnv(argv, options.env ?? env(), options.stdin);

describe('resolve and check on text templates', () => {
  it('resolve an .env file: every reference substituted in place, the rest kept byte for byte', async () => {
    const file = join(dir, 'app.env');
    await writeFile(file, dotenv);
    const result = await run(['resolve', file]);
    expect(result).toEqual({
      code: 0,
      err: '',
      out: `# app settings
DB_USER=app
DB_PASSWORD=${CANARY}
API_URL=https://x:api-key-1@api.example
GREETING=hello {{step_1.output}}
`,
    });
    expect(endpoint().requests).toHaveLength(1);
  });

  it('resolve YAML from standard input to a 0600 file', async () => {
    const output = join(dir, 'config.yaml');
    expect(await run(['resolve', '-o', output], { stdin: yaml })).toEqual({ code: 0, out: '', err: '' });
    expect(await readFile(output, 'utf8')).toBe(`database:\n  user: "app"\n  password: '${CANARY}'\n`);
    expect((await stat(output)).mode & 0o777).toBe(0o600);
  });

  it('check a text file: one line per reference with line:column, never a value', async () => {
    const file = join(dir, 'broken.env');
    await writeFile(file, `${dotenv}MISSING={{resolve:secretsmanager:prod/db:SecretString:pasword}}\n`);
    const result = await run(['check', file]);
    expect(result.code).toBe(1);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^line 2:9 +\{\{resolve:secretsmanager:prod\/db:SecretString:username\}\} +ok$/);
    expect(lines[2]).toMatch(/^line 4:19 +\{\{conn1\|ap_sep_v1\|prod\/api\}\} +ok$/);
    expect(lines[3]).toMatch(
      /^line 6:9 +\{\{resolve:secretsmanager:prod\/db:SecretString:pasword\}\} +json_key_not_found: /,
    );
    expect(result.out).toContain('4 references, 3 ok, 1 failed');
    expect(result.out).not.toContain(CANARY);
  });

  it('resolve of a text whose reference fails: nothing written, the failing line named', async () => {
    const result = await run(['resolve'], { stdin: 'A=1\nB={{resolve:secretsmanager:prod/gone}}\n' });
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('line 2:3  {{resolve:secretsmanager:prod/gone}}  secret_not_found: ');
  });

  it('--format chooses; without it a .json name or JSON-looking content means JSON', async () => {
    expect(detectFormat('a.json', 'X={{resolve:secretsmanager:a}}')).toBe('json');
    expect(detectFormat(undefined, '  {"a": 1}')).toBe('json');
    expect(detectFormat(undefined, '[1]')).toBe('json');
    expect(detectFormat(undefined, '{{resolve:secretsmanager:a}}')).toBe('text');
    expect(detectFormat('app.yaml', 'a: 1')).toBe('text');

    const json = '{"p": "{{resolve:secretsmanager:prod/api}}"}';
    const asText = await run(['resolve', '--format', 'text'], { stdin: json });
    expect(asText).toEqual({ code: 0, out: '{"p": "api-key-1"}', err: '' });
    const asJson = await run(['resolve', '--format', 'json'], { stdin: json });
    expect(asJson).toEqual({ code: 0, out: '{\n  "p": "api-key-1"\n}\n', err: '' });
    const bad = await run(['check', '--format', 'yaml'], { stdin: json });
    expect(bad).toEqual({
      code: 2,
      out: '',
      err: 'secret-refs: option --format must be json or text\n',
    });
  });

  it('keeps every byte outside the references, a byte-order mark and non-ASCII text included', async () => {
    const file = join(dir, 'bom.env');
    const template = '\uFEFF# café ✓\r\nPW={{resolve:secretsmanager:prod/api}}\r\n';
    await writeFile(file, template);
    const output = join(dir, 'bom.out');
    const result = await runCliProcess(['resolve', file, '-o', output], { env: env() });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(output)).toEqual(Buffer.from(template.replace(/\{\{.*\}\}/, 'api-key-1')));
  });

  it('refuses text that is not UTF-8, naming the byte and where it is, and writes nothing', async () => {
    const file = join(dir, 'latin1.env');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('# ok\nNAME=caf'),
        Buffer.from([0xe9]),
        Buffer.from('\nPW={{resolve:secretsmanager:prod/api}}\n'),
      ]),
    );
    const output = join(dir, 'latin1.out');
    const result = await run(['resolve', file, '-o', output]);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `secret-refs: ${file} is not UTF-8: byte 0xE9 at offset 13 (line 2:9); convert it first (iconv -f latin1 -t utf-8)\n`,
    });
    await expect(stat(output)).rejects.toThrow(/ENOENT/);
    expect(endpoint().requests).toHaveLength(0);
  });

  it('--encode uri percent-encodes values inside a longer string, as the library option does', async () => {
    const template =
      'DSN=postgres://app:{{resolve:secretsmanager:prod/odd}}@db/app\nRAW={{resolve:secretsmanager:prod/odd}}';
    const encoded = await run(['resolve', '--format', 'text', '--encode', 'uri'], { stdin: template });
    expect(encoded).toEqual({
      code: 0,
      err: '',
      out: `DSN=postgres://app:${encodeURIComponent('p@ss:w0rd/!é')}@db/app\nRAW=${encodeURIComponent('p@ss:w0rd/!é')}`,
    });
    const whole = await run(['resolve', '--encode', 'uri'], {
      stdin: JSON.stringify({ password: '{{resolve:secretsmanager:prod/odd}}' }),
    });
    expect(JSON.parse(whole.out)).toEqual({ password: 'p@ss:w0rd/!é' });
    const bad = await run(['resolve', '--encode', 'html'], { stdin: template });
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toBe('secret-refs: option --encode must be uri\n');
  });
});

describe('check --offline: syntax only, for CI', () => {
  it('needs no credentials or region and calls nothing (the built CLI, empty environment)', async () => {
    const file = join(dir, 'offline.env');
    await writeFile(file, dotenv);
    const result = await runCliProcess(['check', '--offline', file], { env: { HOME: join(dir, 'no-home') } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('3 references, 3 ok, 0 failed (syntax only, nothing fetched)');
    expect(endpoint().requests).toHaveLength(0);
  });

  it('reports malformed and unsupported references with exit 1; JSON report says offline', async () => {
    const input = JSON.stringify({
      a: '{{resolve:secretsmanager:prod/db:SecretString:password:AWSCURRENT:0f9c1e2a-0000-4000-8000-000000000000}}',
      b: '{{resolve:s3:/param}}',
      c: '{{resolve:secretsmanager:prod/db}}',
    });
    const result = await run(['check', '--offline', '--json'], { stdin: input, env: {} });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report).toMatchObject({ ok: false, offline: true, summary: { references: 3, ok: 1, failed: 2 } });
    expect(report.references.map((entry: { ok: boolean }) => entry.ok)).toEqual([false, false, true]);
    expect(endpoint().requests).toHaveLength(0);
  });
});
