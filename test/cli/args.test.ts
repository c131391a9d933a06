import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import type { CliCommand } from '../../src/cli/command.js';
import { CliUsageError } from '../../src/cli/io.js';

const noop = async () => 0;
const commands: CliCommand[] = [
  {
    name: 'check',
    argsUsage: '[file]',
    summary: 's',
    options: { json: { type: 'boolean', description: 'd' } },
    minArgs: 0,
    maxArgs: 1,
    run: noop,
  },
  {
    name: 'resolve',
    argsUsage: '[file]',
    summary: 's',
    options: { output: { type: 'string', short: 'o', description: 'd' } },
    minArgs: 0,
    maxArgs: 1,
    run: noop,
  },
];

function problem(argv: string[]): string {
  try {
    parseCommandLine(argv, commands);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it('reads the command, its arguments, global and own options in any order', () => {
    const parsed = parseCommandLine(
      ['--region', 'eu-west-1', 'resolve', 'in.json', '-o', 'out.json'],
      commands,
    );
    expect(parsed.command?.name).toBe('resolve');
    expect(parsed.args).toEqual(['in.json']);
    expect(parsed.values).toMatchObject({ region: 'eu-west-1', output: 'out.json' });
  });

  it('accepts "-" as a file and as an option value, and arguments after --', () => {
    expect(parseCommandLine(['resolve', '-', '-o', '-'], commands)).toMatchObject({
      args: ['-'],
      values: { output: '-' },
    });
    expect(parseCommandLine(['check', '--', '--odd-name.json'], commands).args).toEqual(['--odd-name.json']);
  });

  it('names an unknown option without its value', () => {
    expect(problem(['check', '--foo=CANARY-value'])).toBe('unknown option --foo');
    expect(problem(['-x'])).toBe('unknown option -x');
  });

  it('says which option lacks a value, or should have none', () => {
    expect(problem(['check', '--region'])).toBe('option --region needs a value');
    expect(problem(['check', '--region', '--json'])).toBe('option --region needs a value');
    expect(problem(['resolve', '-o'])).toBe('option -o needs a value');
    expect(problem(['check', '--json=yes'])).toBe('option --json takes no value');
  });

  it('refuses a single-value option given twice, whatever its spelling', () => {
    expect(problem(['--region', 'us-east-1', 'check', '--region', 'eu-west-1'])).toBe(
      'option --region is given more than once',
    );
    expect(problem(['check', '--endpoint=http://a', '--endpoint=http://b'])).toBe(
      'option --endpoint is given more than once',
    );
    expect(problem(['check', '--profile', 'a', '--profile', 'a'])).toBe(
      'option --profile is given more than once',
    );
    expect(problem(['resolve', '-o', 'a.json', '--output', 'b.json'])).toBe(
      'option --output is given more than once',
    );
    expect(parseCommandLine(['check', '--json', '--json'], commands).values.json).toBe(true);
  });

  it('refuses an empty or blank value instead of falling back to the environment', () => {
    expect(problem(['check', '--region='])).toBe('option --region has an empty value');
    expect(problem(['check', '--region', ''])).toBe('option --region has an empty value');
    expect(problem(['check', '--endpoint', '  '])).toBe('option --endpoint has an empty value');
    expect(problem(['resolve', '-o', ''])).toBe('option -o has an empty value');
  });

  it('refuses an unknown command and an option of another command', () => {
    expect(problem(['frobnicate'])).toBe('unknown command "frobnicate"');
    expect(problem(['check', '-o', 'x.json'])).toBe('check has no option -o');
  });

  it('reads `help <command>` as that command with --help', () => {
    const parsed = parseCommandLine(['help', 'check'], commands);
    expect(parsed.command?.name).toBe('check');
    expect(parsed.values.help).toBe(true);
    const bare = parseCommandLine(['help'], commands);
    expect(bare.command).toBeUndefined();
    expect(bare.values.help).toBe(true);
    expect(problem(['help', 'nope'])).toBe('unknown command "nope"');
  });
});
