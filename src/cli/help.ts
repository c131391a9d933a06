import type { CliCommand } from './command.js';
import { formatOptions, GLOBAL_OPTIONS, optionUsage } from './options.js';

const FOOTER = `Credentials come from the usual AWS environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(/ AWS_SESSION_TOKEN), AWS_PROFILE, SSO, container or instance roles.

Exit status: 0 all well, 1 a reference or an AWS call failed, 2 bad usage or unreadable input.`;

/** The help printed by `secret-refs --help`: commands, global options, exit status. */
export function globalHelp(commands: readonly CliCommand[]): string {
  const rows = commands.map((command) => [`${command.name} ${command.argsUsage}`.trim(), command.summary]);
  const width = Math.max(...rows.map(([usage]) => usage?.length ?? 0));
  return `Usage: secret-refs <command> [options]

Check and resolve secret references ({{resolve:secretsmanager:…}}, Activepieces {{id|ap_sep_v1|…}})
in JSON connection objects against AWS Secrets Manager.

Commands:
${rows.map(([usage, summary]) => `  ${usage?.padEnd(width)}  ${summary}`).join('\n')}

Global options:
${formatOptions(GLOBAL_OPTIONS)}

Run \`secret-refs <command> --help\` for a command's options.

${FOOTER}
`;
}

/** The help printed by `secret-refs <command> --help`. */
export function commandHelp(command: CliCommand): string {
  const usage = `secret-refs ${command.name} ${command.argsUsage}`.trim();
  const all = { ...GLOBAL_OPTIONS, ...command.options };
  const width = Math.max(...Object.entries(all).map(([name, option]) => optionUsage(name, option).length));
  const own =
    Object.keys(command.options).length === 0 ? '' : `Options:\n${formatOptions(command.options, width)}\n\n`;
  const details = command.details === undefined ? '' : `${command.details}\n\n`;
  return `Usage: ${usage} [options]

${command.summary}

${details}${own}Global options:
${formatOptions(GLOBAL_OPTIONS, width)}

${FOOTER}
`;
}
