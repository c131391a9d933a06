import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { CANARY } from '../support/canary.js';
import { fakeManager, makeIo } from './helpers.js';

const secrets = {
  'prod/db': JSON.stringify({ username: 'app', password: CANARY, host: 'db.internal' }),
  'prod/api': CANARY,
};

const connection = {
  type: 'postgres',
  props: {
    user: '{{resolve:secretsmanager:prod/db:SecretString:username}}',
    url: `postgres://app:{{resolve:secretsmanager:prod/db:SecretString:password}}@db.internal/app`,
    headers: [{ name: 'x-api-key', value: '{{conn-1|ap_sep_v1|prod/api}}' }],
    missing: '{{resolve:secretsmanager:prod/db:SecretString:pasword}}',
    gone: '{{resolve:secretsmanager:prod/old}}',
    template: '{{step_1.output}}',
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fileWith(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('secret-refs check', () => {
  it('prints one line per reference, the summary, and exits 1 when one fails', async () => {
    const file = await fileWith('connection.json', JSON.stringify(connection));
    const manager = fakeManager(secrets);
    const { io, out, err } = makeIo();
    expect(await runCli(['check', file], io, { createManager: () => manager })).toBe(1);
    expect(out()).toMatchInlineSnapshot(`
      "props.user              {{resolve:secretsmanager:prod/db:SecretString:username}}  ok
      props.url               {{resolve:secretsmanager:prod/db:SecretString:password}}  ok
      props.headers[0].value  {{conn-1|ap_sep_v1|prod/api}}                             ok
      props.missing           {{resolve:secretsmanager:prod/db:SecretString:pasword}}   json_key_not_found: JSON key pasword not found in prod/db
      props.gone              {{resolve:secretsmanager:prod/old}}                       secret_not_found: Secret prod/old was not found
      5 references, 3 ok, 2 failed
      "
    `);
    expect(err()).toBe('');
    expect(out()).not.toContain(CANARY);
  });

  it('asks the manager once for every reference, without the Activepieces manager id', async () => {
    const file = await fileWith('batch.json', JSON.stringify(connection));
    const manager = fakeManager(secrets);
    await runCli(['check', file], makeIo().io, { createManager: () => manager });
    expect(manager.log.getSecrets).toHaveLength(1);
    expect(manager.log.getSecrets[0]).toHaveLength(5);
    expect(manager.log.getSecrets[0]?.[2]).toEqual({ secretId: 'prod/api' });
  });

  it('exits 0 when every reference resolves', async () => {
    const { io, out } = makeIo({ stdin: JSON.stringify({ a: '{{resolve:secretsmanager:prod/api}}' }) });
    expect(await runCli(['check'], io, { createManager: () => fakeManager(secrets) })).toBe(0);
    expect(out()).toContain('1 reference, 1 ok, 0 failed');
  });

  it('reads standard input for "-" and for no file when stdin is piped', async () => {
    for (const argv of [['check', '-'], ['check']]) {
      const { io, out } = makeIo({ stdin: JSON.stringify(connection) });
      expect(await runCli(argv, io, { createManager: () => fakeManager(secrets) })).toBe(1);
      expect(out()).toContain('5 references, 3 ok, 2 failed');
    }
  });

  it('reports a malformed reference as invalid_reference without fetching it', async () => {
    const manager = fakeManager(secrets);
    const input = { a: '{{resolve:secretsmanager:prod/api:SecretString:k:AWSCURRENT:some-id}}' };
    const { io, out } = makeIo({ stdin: JSON.stringify(input) });
    expect(await runCli(['check'], io, { createManager: () => manager })).toBe(1);
    expect(out()).toMatch(
      /^a {2}\{\{resolve:secretsmanager:prod\/api:SecretString:k:AWSCURRENT:some-id\}\} {2}invalid_reference: /,
    );
    expect(manager.log.getSecrets).toEqual([]);
  });

  it('with no reference prints the summary, exits 0 and builds no manager', async () => {
    const createManager = vi.fn(() => fakeManager({}));
    const { io, out } = makeIo({ stdin: '{"host":"db","template":"{{step_1.output}}"}' });
    expect(await runCli(['check'], io, { createManager })).toBe(0);
    expect(out()).toBe('0 references, 0 ok, 0 failed\n');
    expect(createManager).not.toHaveBeenCalled();
  });

  it('prints a JSON report with --json', async () => {
    const { io, out } = makeIo({ stdin: JSON.stringify(connection) });
    expect(await runCli(['check', '--json'], io, { createManager: () => fakeManager(secrets) })).toBe(1);
    const report = JSON.parse(out());
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ references: 5, ok: 3, failed: 2 });
    expect(report.references[1]).toEqual({
      path: ['props', 'url'],
      at: 'props.url',
      ref: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      ok: true,
    });
    expect(report.references[4]).toMatchObject({ at: 'props.gone', ok: false, code: 'secret_not_found' });
    expect(out()).not.toContain(CANARY);
  });

  it('a TTY stdin with no file is bad usage, exit 2', async () => {
    const { io, err } = makeIo({ tty: true });
    expect(await runCli(['check'], io, { createManager: () => fakeManager(secrets) })).toBe(2);
    expect(err()).toBe('secret-refs: no input: give a file, or pipe a file to standard input\n');
  });

  it('a missing file is exit 2, naming the file', async () => {
    const { io, err } = makeIo();
    const file = join(dir, 'nope.json');
    expect(await runCli(['check', file], io, { createManager: () => fakeManager(secrets) })).toBe(2);
    expect(err()).toBe(`secret-refs: cannot read ${file}: no such file (ENOENT); check the path\n`);
  });

  it('bad JSON is exit 2 with line and column, never the content', async () => {
    const text = `{\n  "password": "${CANARY}"\n  "user": "x"\n}`;
    const file = await fileWith('bad.json', text);
    const { io, out, err } = makeIo();
    expect(await runCli(['check', file], io, { createManager: () => fakeManager(secrets) })).toBe(2);
    expect(err()).toBe(
      `secret-refs: ${file} is not valid JSON (line 3, column 3) (--format text reads it as text)\n`,
    );
    expect(out()).toBe('');

    // JSON-looking input is read as JSON; with --format json, any input is.
    const cases: [string, string[]][] = [
      [`{"a": ${CANARY}}`, ['check']],
      [`{"a": "${CANARY}"`, ['check']],
      [`[${CANARY}`, ['check']],
      [`${CANARY}`, ['check', '--format', 'json']],
      ['   ', ['check', '--format', 'json']],
    ];
    for (const [bad, argv] of cases) {
      const piped = makeIo({ stdin: bad });
      expect(await runCli(argv, piped.io, { createManager: () => fakeManager(secrets) })).toBe(2);
      expect(piped.err()).toMatch(/^secret-refs: standard input is (not valid JSON|empty)/);
      expect(piped.err()).not.toContain(CANARY);
      expect(piped.err()).not.toContain('CANARY');
    }
  });

  it('a deeply nested input is a clear failure, not a crash', async () => {
    const deep = `${'['.repeat(5000)}"{{resolve:secretsmanager:prod/api}}"${']'.repeat(5000)}`;
    const { io, err } = makeIo({ stdin: deep });
    expect(await runCli(['check'], io, { createManager: () => fakeManager(secrets) })).toBe(1);
    expect(err()).toMatch(/^secret-refs: invalid_input: /);
  });
});
