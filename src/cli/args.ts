import { parseArgs } from 'node:util';
import type { CliCommand } from './command.js';
import { CliUsageError } from './io.js';
import { type CliOption, GLOBAL_OPTIONS, globalOptionsOf, type OptionValues } from './options.js';

/** The command line, understood: which command (if any), option values and the command's arguments. */
interface ParsedCommandLine {
  command?: CliCommand;
  values: OptionValues;
  args: string[];
}

/** The command whose arguments are a command line of their own, all after `--`. */
const RUN = 'run';

/**
 * Parses `argv` (without `node` and the script) against the global options and the commands' options.
 * Every problem is a {@link CliUsageError} whose message names the option, never the value given to it; a string
 * option given twice or with an empty value is refused rather than silently overridden or ignored.
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly CliCommand[],
): ParsedCommandLine {
  const terminator = argv.indexOf('--');
  const rest = terminator === -1 ? undefined : argv.slice(terminator + 1);
  if (terminator !== -1) argv = argv.slice(0, terminator);
  const known: Record<string, CliOption> = { ...GLOBAL_OPTIONS };
  for (const command of commands) Object.assign(known, command.options);

  // Not strict: each option token is checked here, so that a message names the option and never its value.
  // (`parseArgs` reads `type` and `short` of each option and ignores what help uses.)
  const parsed = parseArgs({
    args: [...argv],
    options: known,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const given = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const option = known[token.name];
    if (option === undefined) throw new CliUsageError(`unknown option ${token.rawName}`);
    if (option.type === 'boolean' && token.value !== undefined) {
      throw new CliUsageError(`option ${token.rawName} takes no value`);
    }
    if (option.type === 'string') {
      if (!hasValue(token.value, token.inlineValue))
        throw new CliUsageError(`option ${token.rawName} needs a value`);
      if (token.value?.trim() === '') throw new CliUsageError(`option ${token.rawName} has an empty value`);
      if (given.has(token.name)) throw new CliUsageError(`option --${token.name} is given more than once`);
      given.add(token.name);
    }
  }

  const [name, ...positionals] = parsed.positionals;
  const values: OptionValues = parsed.values;
  if (name === RUN && values.help !== true) {
    if (positionals.length > 0 || rest === undefined) {
      throw new CliUsageError(
        'run needs -- before the command: secret-refs run [options] -- <command> [args…]',
        RUN,
      );
    }
  }
  const args = name === RUN ? [...(rest ?? [])] : [...positionals, ...(rest ?? [])];
  if (name === undefined) return { values, args };
  if (name === 'help') {
    const topic = args[0];
    const command = commands.find((candidate) => candidate.name === topic);
    if (topic !== undefined && command === undefined) throw new CliUsageError(`unknown command "${topic}"`);
    return { ...(command === undefined ? {} : { command }), values: { ...values, help: true }, args: [] };
  }

  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) throw new CliUsageError(`unknown command "${name}"`);
  const allowed = { ...globalOptionsOf(command), ...command.options };
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && !(token.name in allowed)) {
      throw new CliUsageError(`${command.name} has no option ${token.rawName}`, command.name);
    }
  }
  return { command, values, args };
}

function hasValue(value: string | undefined, inline: boolean | undefined): boolean {
  if (value === undefined) return false;
  return inline === true || value.length < 2 || !value.startsWith('-');
}
