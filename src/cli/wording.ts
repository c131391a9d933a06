import type { SecretRefErrorCode } from '../errors.js';
import { awsErrorKindOf } from '../provider/aws/error-names.js';
import { parseSecretRef } from '../ref/parse.js';
import type { CliCredentialSource, ProfileKind } from './credential-source.js';

/**
 * A failure as the library reports it: its code and message, and the structured fields that come with it (the
 * reference of a `SecretRefError`, the option of a `SecretRefConfigError`, the SDK error kept as `cause`).
 */
export interface CliProblem {
  code: SecretRefErrorCode | string;
  message: string;
  ref?: string | undefined;
  option?: string | undefined;
  cause?: unknown;
}

/** Library option names → what a command-line user passes or sets instead. */
const OPTION_WORDS: Readonly<Record<string, string>> = {
  maxAttempts: '--max-attempts',
  requestTimeoutMs: '--timeout',
  endpoint: '--endpoint',
  ssmEndpoint: 'AWS_ENDPOINT_URL_SSM',
  region: '--region',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
};

/**
 * A library failure in the CLI's words. The advice comes from the code and the structured fields: a binary secret
 * read as text says to add `--binary`; credentials that cannot be loaded or are refused get the advice of where
 * they came from (the environment's keys, or the profile's kind: credential_process — with the first line it
 * wrote, cleaned — SSO, role, static keys); option names the library quotes become the flags and environment
 * variables. Library messages hold no secret value, and neither does this.
 */
export function cliWording(problem: CliProblem, source: CliCredentialSource = {}): string {
  const secret = secretOf(problem.ref);
  if (problem.code === 'binary_secret' && secret !== undefined) {
    return `secret ${JSON.stringify(secret)} holds binary data (SecretBinary), not a string; add --binary to write its bytes`;
  }
  if (problem.code === 'not_binary' && secret !== undefined) {
    return `secret ${JSON.stringify(secret)} holds a string (SecretString), not binary data; leave out --binary`;
  }
  if (problem.code === 'invalid_credentials') {
    const words = credentialWords(problem.cause, source);
    if (words !== undefined) return words;
  }
  // Option names quoted in a library message (`` `requestTimeoutMs` ``) → the CLI's (`--timeout`).
  return problem.message.replace(/`(\w+)`/g, (quoted, name: string) => OPTION_WORDS[name] ?? quoted);
}

/**
 * The CLI's words for credentials that could not be loaded or have expired, from the AWS error's kind and where
 * the credentials came from; `undefined` when the library's own words (names mapped) say it best.
 */
function credentialWords(cause: unknown, source: CliCredentialSource): string | undefined {
  const profile = source.profile;
  const which = profile === undefined ? '' : ` of profile "${profile.name}" (${profile.from})`;
  const kind = awsErrorKindOf(cause);
  const name = (cause as { name?: unknown } | null | undefined)?.name;
  if (source.processSaid !== undefined && profile !== undefined) {
    const said = source.processSaid === '' ? '' : `: "${source.processSaid}"`;
    return `the credential_process${which} failed${said}; run its command (credential_process in the AWS config file) by hand to see the whole error, fix it or sign in again, then retry`;
  }
  if (source.unloaded === true || kind === 'no_credentials') {
    if (profile === undefined) {
      return 'no AWS credentials could be loaded; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile (or set AWS_PROFILE), or run where a container or instance role applies';
    }
    return `no AWS credentials could be loaded from profile "${profile.name}" (${profile.from}); ${profileAdvice(profile.kind, profile.name)}`;
  }
  if (kind === 'expired_credentials') {
    const fix =
      profile === undefined
        ? 'set fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN'
        : profileAdvice(profile.kind, profile.name);
    return `AWS rejected the credentials${which} because they have expired (${typeof name === 'string' ? name : 'unknown'}); ${fix}`;
  }
  // Refused keys, or a request signed for another region than the endpoint's: the library's words say which.
  return undefined;
}

/** What to do about a profile whose credentials could not be loaded, by how it gets them. */
function profileAdvice(kind: ProfileKind | undefined, name: string): string {
  switch (kind) {
    case 'credential_process':
      return 'run its credential_process by hand to see why, fix it or sign in again';
    case 'sso':
      return `sign in again: aws sso login --profile ${name}`;
    case 'role':
      return 'check its role_arn and its source_profile or credential_source: the source credentials must load and be allowed sts:AssumeRole';
    case 'web_identity':
      return 'check its web_identity_token_file (present, readable, not expired) and role_arn';
    case 'keys':
      return 'check its aws_access_key_id and aws_secret_access_key, and that the access key is active';
    default:
      return 'give it keys, a credential_process, an SSO session or a role_arn';
  }
}

/** The secret id of a reference as the library reports it (its text), when it parses. */
function secretOf(ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  try {
    return parseSecretRef(ref).secretId;
  } catch {
    return undefined;
  }
}
