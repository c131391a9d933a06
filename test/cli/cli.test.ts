import { describe, expect, it, vi } from 'vitest';
import { CLI_COMMANDS, CLI_VERSION, runCli } from '../../src/cli/cli.js';
import { CliUsageError } from '../../src/cli/io.js';
import { SecretRefConfigError } from '../../src/errors.js';
import { fakeManager, makeIo } from './helpers.js';

describe('runCli: help, version and usage', () => {
  it('prints the version', async () => {
    const { io, out } = makeIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(out()).toBe(`${CLI_VERSION}\n`);
    expect(CLI_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints global help listing every command and global option, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { io, out, err } = makeIo();
      expect(await runCli(argv, io)).toBe(0);
      expect(err()).toBe('');
      for (const command of CLI_COMMANDS) expect(out()).toContain(`  ${command.name}`);
      for (const option of ['--region', '--profile', '--endpoint', '--help', '--version']) {
        expect(out()).toContain(option);
      }
      expect(out()).toContain('Exit status: 0');
    }
  });

  it('prints a command help with its own options', async () => {
    for (const argv of [
      ['resolve', '--help'],
      ['help', 'resolve'],
      ['resolve', '-h'],
    ]) {
      const { io, out } = makeIo();
      expect(await runCli(argv, io)).toBe(0);
      expect(out()).toContain('Usage: secret-refs resolve [file] [options]');
      expect(out()).toContain('-o, --output <file>');
      expect(out()).toContain('--region <region>');
    }
  });

  it('with no command prints help on stderr, exit 2', async () => {
    const { io, out, err } = makeIo();
    expect(await runCli([], io)).toBe(2);
    expect(out()).toBe('');
    expect(err()).toContain('Usage: secret-refs <command>');
  });

  it('bad usage is one line on stderr, exit 2, and builds no manager', async () => {
    const createManager = vi.fn(() => fakeManager({}));
    const cases: [string[], string][] = [
      [['--foo'], 'secret-refs: unknown option --foo (see secret-refs --help)\n'],
      [
        ['check', 'a.json', 'b.json'],
        'secret-refs: check takes at most 1 argument, got 2 (see secret-refs check --help)\n',
      ],
      [['get'], 'secret-refs: get needs <reference> (see secret-refs get --help)\n'],
      [['list', 'extra'], 'secret-refs: list takes no argument (see secret-refs list --help)\n'],
      [
        ['test-connection', '--prefix', 'x'],
        'secret-refs: test-connection has no option --prefix (see secret-refs test-connection --help)\n',
      ],
    ];
    for (const [argv, expected] of cases) {
      const { io, out, err } = makeIo();
      expect(await runCli(argv, io, { createManager })).toBe(2);
      expect(err()).toBe(expected);
      expect(out()).toBe('');
    }
    expect(createManager).not.toHaveBeenCalled();
  });

  it('passes the global options and env to the manager factory', async () => {
    const createManager = vi.fn(() => fakeManager({}));
    const { io } = makeIo({ env: { AWS_REGION: 'us-east-2' } });
    const argv = [
      'test-connection',
      '--region',
      'eu-west-1',
      '--profile',
      'dev',
      '--endpoint',
      'http://localhost:4566',
    ];
    expect(await runCli(argv, io, { createManager })).toBe(0);
    expect(createManager).toHaveBeenCalledOnce();
    expect(createManager).toHaveBeenCalledWith({
      region: 'eu-west-1',
      profile: 'dev',
      endpoint: 'http://localhost:4566',
      env: { AWS_REGION: 'us-east-2' },
      onCredentials: expect.any(Function),
    });
  });

  it('a configuration error is exit 2 with its message; a usage error from the factory too', async () => {
    const configError = makeIo();
    const code = await runCli(['list'], configError.io, {
      createManager: () => {
        throw new SecretRefConfigError('endpoint', '`endpoint` must be an http: or https: URL');
      },
    });
    expect(code).toBe(2);
    // In the CLI's words: the flag, not the library option.
    expect(configError.err()).toBe('secret-refs: --endpoint must be an http: or https: URL\n');

    const noRegion = makeIo();
    const code2 = await runCli(['list'], noRegion.io, {
      createManager: () => Promise.reject(new CliUsageError('no region: pass --region or set AWS_REGION')),
    });
    expect(code2).toBe(2);
    expect(noRegion.err()).toBe('secret-refs: no region: pass --region or set AWS_REGION\n');
  });

  it('an unexpected error is exit 1, one line, no stack trace', async () => {
    const { io, err } = makeIo();
    const code = await runCli(['list'], io, {
      createManager: () => {
        throw new TypeError('boom');
      },
    });
    expect(code).toBe(1);
    expect(err()).toBe('secret-refs: unexpected error: TypeError: boom\n');
  });
});
