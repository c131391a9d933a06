import pkg from '../../package.json' with { type: 'json' };
import { SecretRefConfigError, SecretRefError } from '../errors.js';
import type { SecretManager } from '../manager/types.js';
import { parseCommandLine } from './args.js';
import type { CliCommand } from './command.js';
import { cacheCommand } from './commands/cache.js';
import { checkCommand } from './commands/check.js';
import { getCommand } from './commands/get.js';
import { listCommand } from './commands/list.js';
import { resolveCommand } from './commands/resolve.js';
import { runCommand } from './commands/run.js';
import { testConnectionCommand } from './commands/test-connection.js';
import { describeSource } from './credential-source.js';
import { commandHelp, globalHelp } from './help.js';
import { type CliDeps, CliFailure, type CliIo, type CliManagerOptions, CliUsageError } from './io.js';
import { createCliManager, credentialSource } from './manager.js';
import { positiveIntegerOption, stringValue } from './options.js';
import { createProgress } from './progress.js';
import { plural } from './report.js';
import { createVerboseLog } from './verbose.js';
import { type CliProblem, cliWording } from './wording.js';

/** The package version, shown by `secret-refs --version`. */
export const CLI_VERSION: string = pkg.version;

/** Every `secret-refs` command, in the order help lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = [
  checkCommand,
  resolveCommand,
  getCommand,
  listCommand,
  testConnectionCommand,
  runCommand,
  cacheCommand,
];

/**
 * Runs the `secret-refs` command line in-process and resolves to its exit status: 0 all well, 1 a reference or a
 * call failed, 2 bad usage. It never throws and never calls `process.exit`; output goes to `io` only.
 * @example
 *   const code = await runCli(['check', 'connection.json'], { stdin: process.stdin, stdout: process.stdout,
 *     stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv, CLI_COMMANDS);
  } catch (error) {
    return usageFailure(io, error, undefined);
  }
  const { command, values, args } = parsed;
  if (values.version === true) {
    io.stdout.write(`${CLI_VERSION}\n`);
    return 0;
  }
  if (values.help === true) {
    io.stdout.write(command === undefined ? globalHelp(CLI_COMMANDS) : commandHelp(command));
    return 0;
  }
  if (command === undefined) {
    io.stderr.write(globalHelp(CLI_COMMANDS));
    return 2;
  }
  if (args.length < command.minArgs || args.length > command.maxArgs) {
    return usageFailure(io, new CliUsageError(argumentCountProblem(command, args.length)), command);
  }

  const createManager = deps.createManager ?? createCliManager;
  let managerOptions: CliManagerOptions;
  try {
    managerOptions = {
      region: stringValue(values, 'region'),
      profile: stringValue(values, 'profile'),
      endpoint: stringValue(values, 'endpoint'),
      maxAttempts: positiveIntegerOption(values, 'max-attempts'),
      requestTimeoutMs: positiveIntegerOption(values, 'timeout', 'a whole number of milliseconds, 1 or more'),
      env: io.env,
    };
  } catch (error) {
    return usageFailure(io, error, command);
  }
  let source = credentialSource(managerOptions);
  const verbose = values.verbose === true ? createVerboseLog(io.stderr) : undefined;
  managerOptions.onEvent = verbose?.onEvent;
  managerOptions.onCredentials = (learnt) => {
    source = learnt;
    verbose?.credentials(describeSource(learnt));
  };
  const explain = (problem: CliProblem): string => cliWording(problem, source);
  // With --verbose, stderr has lines of its own: no progress line is drawn over them.
  const progress = createProgress(
    verbose === undefined ? io.stderr : { write: () => true, isTTY: false },
    command.progress ?? 'waiting for AWS',
  );
  // Ctrl-C aborts, and the bin entry then ends the process at once: the line is cleared now, not left on screen.
  const clear = (): void => progress.stop();
  deps.signal?.addEventListener('abort', clear, { once: true });
  const { stdout } = io;
  const commandIo: CliIo = {
    ...io,
    stdout: {
      isTTY: stdout.isTTY,
      fd: stdout.fd,
      on: stdout.on?.bind(stdout),
      off: stdout.off?.bind(stdout),
      write: (chunk) => {
        progress.stop();
        return stdout.write(chunk);
      },
    },
  };
  let manager: Promise<SecretManager> | undefined;
  const getManager = (): Promise<SecretManager> => {
    progress.start();
    manager ??= Promise.resolve().then(() => createManager(managerOptions));
    return manager;
  };
  try {
    return await command.run({
      io: commandIo,
      values,
      args,
      getManager,
      explain,
      progress,
      signal: deps.signal,
      signals: deps.signals,
      fileSystem: deps.fileSystem,
    });
  } catch (error) {
    return failure(io, error, explain);
  } finally {
    progress.stop();
    deps.signal?.removeEventListener('abort', clear);
    if (manager !== undefined) verbose?.finish();
  }
}

function argumentCountProblem(command: CliCommand, count: number): string {
  if (command.maxArgs === 0) return `${command.name} takes no argument`;
  if (count < command.minArgs) return `${command.name} needs ${command.argsUsage}`;
  return `${command.name} takes at most ${plural(command.maxArgs, 'argument')}, got ${count}`;
}

function usageFailure(io: CliIo, error: unknown, command: CliCommand | undefined): number {
  const message = error instanceof CliUsageError ? error.message : 'invalid command line';
  const name = (error instanceof CliUsageError ? error.command : undefined) ?? command?.name;
  const help = name === undefined ? 'secret-refs --help' : `secret-refs ${name} --help`;
  io.stderr.write(`secret-refs: ${message} (see ${help})\n`);
  return 2;
}

function failure(io: CliIo, error: unknown, explain: (problem: CliProblem) => string): number {
  if (error instanceof CliUsageError) {
    io.stderr.write(`secret-refs: ${error.message}\n`);
    return 2;
  }
  if (error instanceof SecretRefConfigError) {
    io.stderr.write(`secret-refs: ${explain(error)}\n`);
    return 2;
  }
  if (error instanceof CliFailure) {
    io.stderr.write(`secret-refs: ${error.message}\n`);
    return 1;
  }
  if (error instanceof SecretRefError) {
    io.stderr.write(`secret-refs: ${error.code}: ${explain(error)}\n`);
    return 1;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    io.stderr.write('secret-refs: aborted\n');
    return 1;
  }
  const description = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
  io.stderr.write(`secret-refs: unexpected error: ${description}\n`);
  return 1;
}
