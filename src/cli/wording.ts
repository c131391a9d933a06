import type { CliCredentialSource } from './credential-source.js';

/** Library words → what a command-line user types or sets instead. Longest phrases first. */
const REPLACEMENTS: readonly [RegExp, string][] = [
  [/; read it with getSecretBinary\(\)/g, '; add --binary to write its bytes'],
  [/; read it with getSecret\(\)/g, '; leave out --binary'],
  [/\bgetSecretBinary\(\) reads a whole binary secret/g, '--binary writes a whole binary secret'],
  [
    /check `accessKeyId`, `secretAccessKey` and `sessionToken`/g,
    'check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the keys of the profile)',
  ],
  [
    /pass `accessKeyId` and `secretAccessKey`, a `credentials` provider, or configure the default chain \(environment, profile, role\)/g,
    'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile (or set AWS_PROFILE), or run where a container or instance role applies',
  ],
  [/`maxAttempts`/g, '--max-attempts'],
  [/`requestTimeoutMs`/g, '--timeout'],
  [/`endpoint`/g, '--endpoint'],
  [/`region`/g, '--region'],
  [/`accessKeyId`/g, 'AWS_ACCESS_KEY_ID'],
  [/`secretAccessKey`/g, 'AWS_SECRET_ACCESS_KEY'],
  [/`sessionToken`/g, 'AWS_SESSION_TOKEN'],
];

/**
 * Rewrites a library message for the command line: option and method names become the flags and environment
 * variables a CLI user has (`getSecretBinary()` → `--binary`, `` `requestTimeoutMs` `` → `--timeout`). With a
 * profile in use, a failure to load credentials names the profile. Library messages hold no secret value, and
 * neither does this.
 * @example
 *   cliWording('… read it with getSecretBinary()'); // '… add --binary to write its bytes'
 */
export function cliWording(message: string, source: CliCredentialSource = {}): string {
  const profile = source.profile;
  if (profile !== undefined && message.startsWith('No AWS credentials could be loaded')) {
    return `No AWS credentials could be loaded from profile "${profile.name}" (${profile.from}); check its keys, credential_process or role, or sign in again (aws sso login --profile ${profile.name})`;
  }
  let text = message;
  for (const [pattern, replacement] of REPLACEMENTS) text = text.replace(pattern, replacement);
  return text;
}
