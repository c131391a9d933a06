/** How a profile gets its credentials, read from its settings: what advice fits when they cannot be loaded. */
export type ProfileKind = 'credential_process' | 'sso' | 'role' | 'web_identity' | 'keys' | 'unknown';

/**
 * Where the credentials of a CLI run come from, for messages and `--verbose`; filled in as the run learns more
 * (the profile's kind once the shared files are read, a failing credential_process's first line).
 */
export interface CliCredentialSource {
  /** The profile in use, what chose it, and its kind once known. */
  profile?: { name: string; from: '--profile' | 'AWS_PROFILE'; kind?: ProfileKind };
  /** Static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  environment?: boolean;
  /** The first line the profile's failing credential_process wrote, cleaned of anything that looks like a value. */
  processSaid?: string;
  /** Which link of the SDK's default chain answered. */
  resolvedBy?: string;
  /** The profile's or the default chain's credentials could not be loaded in this run. */
  unloaded?: boolean;
}

const KIND_WORDS: Readonly<Record<ProfileKind, string>> = {
  credential_process: 'credential_process',
  sso: 'SSO (IAM Identity Center)',
  role: 'assumed role (role_arn)',
  web_identity: 'web identity token',
  keys: 'static keys',
  unknown: 'settings of an unknown kind',
};

/** The credential source in a few words, for `--verbose`: `profile "ops" (AWS_PROFILE): static keys`. */
export function describeSource(source: CliCredentialSource): string {
  if (source.environment === true) return 'environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)';
  const { profile } = source;
  if (profile === undefined) return source.resolvedBy ?? "the SDK's default chain";
  const kind = profile.kind === undefined ? '' : `: ${KIND_WORDS[profile.kind]}`;
  return `profile "${profile.name}" (${profile.from})${kind}`;
}

/** The SDK's marks on a resolved identity (`$source`), most telling first, in words. */
const SDK_SOURCES: readonly [string, string][] = [
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'],
  ['CREDENTIALS_ENV_VARS', 'environment (AWS_ACCESS_KEY_ID)'],
  ['CREDENTIALS_HTTP', 'container credentials endpoint (ECS, EKS Pod Identity)'],
  ['CREDENTIALS_IMDS', 'instance metadata (IMDS)'],
  ['CREDENTIALS_PROFILE_PROCESS', 'profile "default": credential_process'],
  ['CREDENTIALS_PROFILE_SSO', 'profile "default": SSO (IAM Identity Center)'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'profile "default": assumed role (role_arn)'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'profile "default": web identity token'],
  ['CREDENTIALS_PROFILE', 'profile "default": static keys'],
];

/**
 * Which link of the SDK's default chain answered, from the marks the SDK puts on the identity (`$source`); only
 * the mark names are read, never a key.
 */
export function chainSource(identity: unknown): string {
  const marks = (identity as { $source?: unknown } | null)?.$source;
  const names = marks !== null && typeof marks === 'object' ? Object.keys(marks) : [];
  const found = SDK_SOURCES.find(([mark]) => names.includes(mark));
  return `the SDK's default chain: ${found?.[1] ?? 'a source the SDK did not name'}`;
}
