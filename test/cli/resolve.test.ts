import * as nodeFs from 'node:fs/promises';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { PrivateFileSystem } from '../../src/cli/io.js';
import { systemReason } from '../../src/cli/system-reason.js';
import { CANARY } from '../support/canary.js';
import { fakeManager, makeIo } from './helpers.js';

const secrets = { 'prod/db': JSON.stringify({ username: 'app', password: 'pw-1', port: 5432 }) };
const connection = {
  user: '{{resolve:secretsmanager:prod/db:SecretString:username}}',
  url: 'postgres://app:{{conn-1|ap_sep_v1|prod/db:password}}@db/app',
  port: '{{resolve:secretsmanager:prod/db:SecretString:port}}',
  list: [1, true, null],
};
const resolved = { user: 'app', url: 'postgres://app:pw-1@db/app', port: '5432', list: [1, true, null] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-refs-resolve-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('secret-refs resolve', () => {
  it('prints the resolved JSON on standard output', async () => {
    const { io, out, err } = makeIo({ stdin: JSON.stringify(connection) });
    expect(await runCli(['resolve'], io, { createManager: () => fakeManager(secrets) })).toBe(0);
    expect(JSON.parse(out())).toEqual(resolved);
    expect(out()).toBe(`${JSON.stringify(resolved, null, 2)}\n`);
    expect(err()).toBe('');
  });

  it('writes -o to a file readable by its owner only, also over an existing file', async () => {
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    await writeFile(input, JSON.stringify(connection));
    await writeFile(output, 'old content, longer than the new one '.repeat(20));
    await chmod(output, 0o644);
    const { io, out } = makeIo();
    expect(
      await runCli(['resolve', input, '-o', output], io, { createManager: () => fakeManager(secrets) }),
    ).toBe(0);
    expect(out()).toBe('');
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual(resolved);
    expect((await stat(output)).mode & 0o777).toBe(0o600);

    const fresh = join(dir, 'fresh.json');
    await runCli(['resolve', input, '--output', fresh], makeIo().io, {
      createManager: () => fakeManager(secrets),
    });
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
  });

  it('on failure lists every failing reference on stderr, writes nothing, exits 1', async () => {
    const output = join(dir, 'never.json');
    const input = {
      ...connection,
      bad: '{{resolve:secretsmanager:prod/db:SecretString:nope}}',
      gone: '{{resolve:secretsmanager:gone}}',
    };
    const { io, out, err } = makeIo({ stdin: JSON.stringify(input) });
    const code = await runCli(['resolve', '-o', output], io, {
      createManager: () => fakeManager({ ...secrets, other: CANARY }),
    });
    expect(code).toBe(1);
    expect(out()).toBe('');
    expect(err()).toMatch(/^secret-refs: 2 references could not be resolved; nothing written\n/);
    expect(err()).toMatch(
      /\n {2}bad +\{\{resolve:secretsmanager:prod\/db:SecretString:nope\}\} {2}json_key_not_found: /,
    );
    expect(err()).toMatch(/\n {2}gone {2}\{\{resolve:secretsmanager:gone\}\} +secret_not_found: /);
    expect(err()).not.toContain('pw-1');
    await expect(stat(output)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an unwritable output is exit 2', async () => {
    const { io, err } = makeIo({ stdin: JSON.stringify(connection) });
    const output = join(dir, 'no-such-dir', 'out.json');
    expect(await runCli(['resolve', '-o', output], io, { createManager: () => fakeManager(secrets) })).toBe(
      2,
    );
    expect(err()).toBe(
      `secret-refs: cannot write ${output}: its folder does not exist (ENOENT); create it or give another path\n`,
    );
    expect(err()).not.toContain('pw-1');
  });

  it('a disk that fills up mid-write is exit 1, one line, the old file kept and no temporary file left', async () => {
    const output = join(dir, 'full.json');
    await writeFile(output, '{"previous":"good content"}\n');
    const fileSystem: PrivateFileSystem = {
      ...nodeFs,
      async open(path, flags, mode) {
        const handle = await nodeFs.open(path, flags, mode);
        return Object.assign(handle, {
          async writeFile(text: string) {
            await nodeFs.appendFile(path, text.slice(0, 10));
            throw Object.assign(new Error(`ENOSPC: no space left, write ${text}`), { code: 'ENOSPC' });
          },
        });
      },
    };
    const { io, out, err } = makeIo({ stdin: JSON.stringify(connection) });
    const code = await runCli(['resolve', '-o', output], io, {
      createManager: () =>
        fakeManager({ 'prod/db': JSON.stringify({ username: 'app', password: CANARY, port: 1 }) }),
      fileSystem,
    });
    expect(code).toBe(1);
    expect(out()).toBe('');
    expect(err()).toBe(`secret-refs: cannot write ${output}: ENOSPC; file left unchanged\n`);
    expect(err()).not.toContain(CANARY);
    expect(await readFile(output, 'utf8')).toBe('{"previous":"good content"}\n');
    expect((await readdir(dir)).filter((name) => name.includes('full.json'))).toEqual(['full.json']);
  });

  it('a directory, or a path under a file, given to -o is exit 2 naming the code', async () => {
    for (const [output, code] of [
      [dir, 'EISDIR'],
      [join(dir, 'in.json', 'out.json'), 'ENOTDIR'],
    ] as const) {
      const { io, err } = makeIo({ stdin: JSON.stringify(connection) });
      expect(await runCli(['resolve', '-o', output], io, { createManager: () => fakeManager(secrets) })).toBe(
        2,
      );
      expect(err()).toBe(`secret-refs: cannot write ${output}: ${systemReason(code, 'write')}\n`);
      expect(err()).toContain(`(${code}); `);
    }
  });
});

describe('secret-refs resolve without references', () => {
  it('copies the JSON through and builds no manager', async () => {
    const input = { host: 'db', template: '{{step_1.output}}', n: [1, 2] };
    const { io, out } = makeIo({ stdin: JSON.stringify(input) });
    const createManager = () => {
      throw new Error('no manager needed');
    };
    expect(await runCli(['resolve'], io, { createManager })).toBe(0);
    expect(JSON.parse(out())).toEqual(input);
  });
});
