import { CliUsageError } from './io.js';

/** How one command-line option is declared: its `parseArgs` shape plus what help prints. */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help for a string option, e.g. `<region>`. */
  valueName?: string;
  description: string;
}

/** Option values by long name, as parsed from the command line. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  region: {
    type: 'string',
    valueName: '<region>',
    description: "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)",
  },
  profile: {
    type: 'string',
    valueName: '<name>',
    description:
      'Credentials (and region) from this profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)',
  },
  endpoint: {
    type: 'string',
    valueName: '<url>',
    description: 'Endpoint URL: LocalStack, a VPC endpoint (default: AWS_ENDPOINT_URL_SECRETS_MANAGER)',
  },
  timeout: {
    type: 'string',
    valueName: '<ms>',
    description:
      'Milliseconds each AWS request may take before it is retried (default: 5000; cache: each Redis step, 2000)',
  },
  'max-attempts': {
    type: 'string',
    valueName: '<n>',
    description: 'Attempts per AWS call, the first included (default: AWS_MAX_ATTEMPTS, then 3)',
  },
  verbose: {
    type: 'boolean',
    short: 'v',
    description:
      'On stderr: each AWS call (action, ids asked, region, host, HTTP status, request id, attempts, time), the credential source, cache hits and misses; never a value',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
  version: { type: 'boolean', description: 'Show the version' },
} as const satisfies Record<string, CliOption>;

/** The global options `command` takes: all of {@link GLOBAL_OPTIONS}, or the ones it names. */
export function globalOptionsOf(command: {
  globalOptions?: readonly (keyof typeof GLOBAL_OPTIONS)[];
}): Readonly<Record<string, CliOption>> {
  const names: readonly string[] | undefined = command.globalOptions;
  if (names === undefined) return GLOBAL_OPTIONS;
  return Object.fromEntries(Object.entries(GLOBAL_OPTIONS).filter(([name]) => names.includes(name)));
}

/** The `--encode` option shared by `resolve` and `run`: the library's `encode` option. */
export const ENCODE_OPTION = {
  type: 'string',
  valueName: 'uri',
  description:
    'Percent-encode each value substituted inside a longer string (a URL, a DSN); a value that is the whole field or text is left as is',
} as const satisfies CliOption;

/** The `--format` option shared by `check` and `resolve`. */
export const FORMAT_OPTION = {
  type: 'string',
  valueName: 'json|text',
  description: 'Read the input as JSON or as any text (.env, YAML…) (default: by file name and content)',
} as const satisfies CliOption;

/** A string option that takes one of `choices` (`--encode uri`): its value, or `undefined` when not given. */
export function choiceValue<T extends string>(
  values: OptionValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = stringValue(values, name);
  if (value === undefined || choices.some((choice) => choice === value)) return value as T | undefined;
  throw new CliUsageError(`option --${name} must be ${choices.join(' or ')}`);
}

/** A string option's value (the parser has checked its type), or `undefined` when not given. */
export function stringValue(values: OptionValues, name: string) {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * `text` as a whole number, 1 or more (surrounding blanks allowed); anything else is bad usage:
 * `<name> must be <what>`.
 */
export function positiveInteger(text: string, name: string, what = 'a whole number, 1 or more'): number {
  const value = Number(text.trim());
  if (/^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value >= 1) return value;
  throw new CliUsageError(`${name} must be ${what}`);
}

/** A `--flag` that must be a whole number, 1 or more: its value, or `undefined` when not given. */
export function positiveIntegerOption(values: OptionValues, flag: string, what?: string): number | undefined {
  const text = stringValue(values, flag);
  return text === undefined ? undefined : positiveInteger(text, `option --${flag}`, what);
}
