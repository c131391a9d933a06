import type { CliCommand } from './command.js';
import { type CliOption, GLOBAL_OPTIONS, globalOptionsOf } from './options.js';

const CREDENTIALS = `Credentials and region are found as the AWS CLI finds them: --profile, else AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else AWS_PROFILE, else the default chain (SSO,
credential_process, container or instance roles); the region from --region, AWS_REGION,
AWS_DEFAULT_REGION, then the profile in ~/.aws/config.

`;
const EXIT = 'Exit status: 0 all well, 1 a reference or an AWS call failed, 2 bad usage or unreadable input.';
const FOOTER = `${CREDENTIALS}${EXIT}`;

/** The help printed by `secret-refs --help`: commands, global options, exit status. */
export function globalHelp(commands: readonly CliCommand[]): string {
  const rows = commands.map(
    (command) => [`${command.name} ${command.argsUsage}`.trim(), command.summary] as const,
  );
  const width = Math.max(...rows.map(([usage]) => usage.length));
  return `Usage: secret-refs <command> [options]

Check and resolve secret references ({{resolve:secretsmanager:…}}, Activepieces {{id|ap_sep_v1|…}})
in JSON connection objects, text files (.env, YAML) or a command's environment, against AWS
Secrets Manager.

Commands:
${rows.map(([usage, summary]) => `  ${usage.padEnd(width)}  ${summary}`).join('\n')}

Global options:
${formatOptions(GLOBAL_OPTIONS)}

Run \`secret-refs <command> --help\` for a command's options.

${FOOTER}
`;
}

/** The help printed by `secret-refs <command> --help`. */
export function commandHelp(command: CliCommand): string {
  // Options go before the arguments when those are a command line of their own (`run [options] -- <command>`).
  const usage = command.argsUsage.startsWith('--')
    ? `secret-refs ${command.name} [options] ${command.argsUsage}`
    : `secret-refs ${command.name} ${command.argsUsage} [options]`.replace(/ {2}/g, ' ');
  const global = globalOptionsOf(command);
  const all = { ...global, ...command.options };
  const width = Math.max(...Object.entries(all).map(([name, option]) => optionUsage(name, option).length));
  const own =
    Object.keys(command.options).length === 0 ? '' : `Options:\n${formatOptions(command.options, width)}\n\n`;
  const details = command.details === undefined ? '' : `${command.details}\n\n`;
  return `Usage: ${usage}

${command.summary}

${details}${own}Global options:
${formatOptions(global, width)}

${'region' in global ? CREDENTIALS : ''}${EXIT}
`;
}

/** Help lines for a set of options, their descriptions aligned at `width` (at least). */
function formatOptions(options: Readonly<Record<string, CliOption>>, width = 0): string {
  const rows = Object.entries(options).map(
    ([name, option]) => [optionUsage(name, option), option.description] as const,
  );
  const column = Math.max(width, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(column)}  ${description}`).join('\n');
}

/** How an option is written in help: `-o, --output <file>`. */
function optionUsage(name: string, option: CliOption): string {
  const flag = `${option.short === undefined ? '    ' : `-${option.short}, `}--${name}`;
  return option.valueName === undefined ? flag : `${flag} ${option.valueName}`;
}
