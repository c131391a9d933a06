import { SecretRefSyntaxError } from '../errors.js';
import type { SecretManager } from '../manager/types.js';
import { parseSecretRef } from '../ref/parse.js';
import type { SecretRef } from '../types.js';
import { type CliIo, CliUsageError, type PrivateFileSystem } from './io.js';
import type { CliOption, GLOBAL_OPTIONS, OptionValues } from './options.js';
import type { CliProgress } from './progress.js';
import type { CliSignals } from './signals.js';
import type { CliProblem } from './wording.js';

/** What a command receives once the command line has been parsed and checked. */
export interface CommandContext {
  io: CliIo;
  /** Option values by long name (global and the command's own). */
  values: OptionValues;
  /** Arguments after the command name (for `run`, the command to start). */
  args: readonly string[];
  /** The manager, built on first use from the global options; the progress line starts with it. */
  getManager(): Promise<SecretManager>;
  /** A library failure in the CLI's words, from its code and fields (flags, environment variables, the profile). */
  explain(problem: CliProblem): string;
  /** The progress line (shown on a terminal's stderr after a second); `run` stops it before starting its command. */
  progress: CliProgress;
  signal?: AbortSignal;
  /** The process's signals, when the bin entry runs the CLI. */
  signals?: CliSignals;
  /** Where output files are written; `node:fs/promises` when absent. */
  fileSystem?: PrivateFileSystem;
}

/** One `secret-refs` command: its help, its options and what it does. Returns the exit status. */
export interface CliCommand {
  name: string;
  /** One line, shown in the command list. */
  summary: string;
  /** Arguments as shown in usage, e.g. `[file]`. */
  argsUsage: string;
  /** Paragraphs shown in the command's help after the summary. */
  details?: string;
  options: Readonly<Record<string, CliOption>>;
  /**
   * The global options this command takes, when not all of them (`cache` talks to Redis, not AWS); any other is
   * refused as an option the command does not have, and help lists only these.
   */
  globalOptions?: readonly (keyof typeof GLOBAL_OPTIONS)[];
  minArgs: number;
  maxArgs: number;
  /** What the progress line says while the command waits on AWS: `checking references`. */
  progress?: string;
  run(context: CommandContext): Promise<number>;
}

/** The reference without its manager id: the CLI has one manager, and it serves every reference. */
export function withoutManager(ref: SecretRef): SecretRef {
  const { manager: _manager, ...rest } = ref;
  return rest;
}

/**
 * A reference given as an argument, in any form (`db/prod`, `db/prod:password`, an ARN, `{{resolve:…}}`), without its
 * manager id; bad syntax is bad usage, `what` naming the argument.
 */
export function referenceArgument(text: string, what: string): SecretRef {
  try {
    return withoutManager(parseSecretRef(text));
  } catch (error) {
    if (error instanceof SecretRefSyntaxError) throw new CliUsageError(`invalid ${what}: ${error.message}`);
    throw error;
  }
}
