import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { CANARY } from '../support/canary.js';
import { fakeManager, makeIo } from './helpers.js';

const secrets = { 'prod/db': JSON.stringify({ password: 'pw-1' }) };

// Written by hand: JSON.stringify could not write these numbers.
const input = `{
  "pin": 9007199254740993,
  "ratio": 1.10,
  "count": 1e2,
  "tiny": -0.0e-0,
  "huge": 1e400,
  "nested": { "ids": [12345678901234567890, 0.1000], "password": "{{resolve:secretsmanager:prod/db:SecretString:password}}" },
  "__proto__": { "polluted": 1 },
  "dup": 1, "dup": 2.50
}`;

const expected = `{
  "pin": 9007199254740993,
  "ratio": 1.10,
  "count": 1e2,
  "tiny": -0.0e-0,
  "huge": 1e400,
  "nested": {
    "ids": [
      12345678901234567890,
      0.1000
    ],
    "password": "pw-1"
  },
  "__proto__": {
    "polluted": 1
  },
  "dup": 2.50
}
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-numbers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the connection file keeps its exact numbers', () => {
  it('resolve writes every number as the input wrote it (stdout and -o)', async () => {
    const { io, out, err } = makeIo({ stdin: input });
    expect(await runCli(['resolve'], io, { createManager: () => fakeManager(secrets) })).toBe(0);
    expect(err()).toBe('');
    expect(out()).toBe(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const file = join(dir, 'conn.json');
    const output = join(dir, 'out.json');
    await writeFile(file, input);
    expect(
      await runCli(['resolve', file, '-o', output], makeIo().io, {
        createManager: () => fakeManager(secrets),
      }),
    ).toBe(0);
    expect(await readFile(output, 'utf8')).toBe(expected);
  });

  it('without references the document is copied through number for number', async () => {
    const { io, out } = makeIo({ stdin: '[9007199254740993, 1.10, 1e2, "x\\u2028\\ud800"]' });
    expect(await runCli(['resolve'], io, { createManager: () => fakeManager({}) })).toBe(0);
    expect(out()).toBe('[\n  9007199254740993,\n  1.10,\n  1e2,\n  "x\u2028\\ud800"\n]\n');
  });

  it('check reads the same document and finds its reference', async () => {
    const { io, out } = makeIo({ stdin: input });
    expect(await runCli(['check', '--json'], io, { createManager: () => fakeManager(secrets) })).toBe(0);
    const report = JSON.parse(out()) as { summary: unknown; references: { path: unknown }[] };
    expect(report.summary).toEqual({ references: 1, ok: 1, failed: 0 });
    expect(report.references[0]?.path).toEqual(['nested', 'password']);
  });

  it('bad JSON still names its line and column, never the content', async () => {
    const { io, err } = makeIo({ stdin: `{\n  "a": 1,\n  "b": "${CANARY}",\n}` });
    expect(await runCli(['resolve'], io, { createManager: () => fakeManager({}) })).toBe(2);
    expect(err()).toBe(
      'secret-refs: standard input is not valid JSON (line 4, column 1) (--format text reads it as text)\n',
    );
  });

  it('JSON nested too deeply to read is an invalid_input failure, not a crash', async () => {
    const deep = `${'['.repeat(20_000)}"${CANARY}"${']'.repeat(20_000)}`;
    const { io, err } = makeIo({ stdin: deep });
    expect(await runCli(['resolve'], io, { createManager: () => fakeManager({}) })).toBe(1);
    expect(err()).toBe(
      'secret-refs: invalid_input: standard input nests too deeply to read (a few thousand levels at most)\n',
    );
    expect(err()).not.toContain(CANARY);
  });
});
