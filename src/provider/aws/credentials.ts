import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { SecretRefConfigError } from '../../errors.js';
import { typeOf } from './describe-value.js';

/**
 * Credentials accepted by `credentials`: a fixed identity, or a provider such as `fromIni()` or `fromNodeProviderChain()`.
 * @example
 *   const credentials: AwsCredentialsOption = fromIni({ profile: 'prod' });
 *   const manager = createAwsSecretsManager({ region: 'eu-west-1', credentials });
 */
export type AwsCredentialsOption = NonNullable<SecretsManagerClientConfig['credentials']>;

/**
 * Checks the credential options (static keys, session token, `credentials`) and returns what the SDK client gets:
 * an identity object, a provider, or `undefined` for the SDK's default chain.
 */
export function resolveCredentials(options: Record<string, unknown>): AwsCredentialsOption | undefined {
  const { accessKeyId, secretAccessKey, sessionToken, credentials } = options;
  const hasKeys = accessKeyId !== undefined || secretAccessKey !== undefined;
  if (credentials !== undefined) {
    if (hasKeys || sessionToken !== undefined) {
      const clash =
        accessKeyId !== undefined
          ? 'accessKeyId'
          : secretAccessKey !== undefined
            ? 'secretAccessKey'
            : 'sessionToken';
      throw new SecretRefConfigError(
        'credentials',
        `\`credentials\` cannot be combined with \`${clash}\`: pass static keys or a credential provider, not both`,
      );
    }
    return checkCredentialsOption(credentials);
  }
  if (!hasKeys) {
    if (sessionToken !== undefined) {
      throw new SecretRefConfigError(
        'sessionToken',
        '`sessionToken` needs `accessKeyId` and `secretAccessKey` (it belongs to temporary static credentials)',
      );
    }
    return undefined;
  }
  checkKeyText(accessKeyId, 'accessKeyId', 'secretAccessKey');
  checkKeyText(secretAccessKey, 'secretAccessKey', 'accessKeyId');
  if (sessionToken !== undefined) checkKeyText(sessionToken, 'sessionToken', undefined);
  checkIdentityFields(options);
  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    ...(sessionToken === undefined ? {} : { sessionToken: sessionToken as string }),
  };
}

/**
 * The fields a credential identity from the SDK brings along when it is spread into the options (see
 * `IDENTITY_FIELDS` in config.ts): ignored, but only when they have the SDK's types, so that a typed value of the
 * wrong kind is still reported.
 */
function checkIdentityFields(options: Record<string, unknown>): void {
  const { expiration, credentialScope, accountId } = options;
  if (expiration !== undefined && !(expiration instanceof Date && !Number.isNaN(expiration.getTime()))) {
    throw new SecretRefConfigError(
      'expiration',
      `\`expiration\` (from a spread credential identity) must be a Date (got ${typeOf(expiration)})`,
    );
  }
  for (const [option, value] of [
    ['credentialScope', credentialScope],
    ['accountId', accountId],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new SecretRefConfigError(
        option,
        `\`${option}\` (from a spread credential identity) must be a string (got ${typeOf(value)})`,
      );
    }
  }
}

/** The fields of a credential identity the SDK reads. */
const COPIED_FIELDS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'credentialScope',
  'accountId',
  'expiration',
] as const;

function checkCredentialsOption(credentials: unknown): AwsCredentialsOption {
  if (typeof credentials === 'function') return credentials as AwsCredentialsOption;
  if (credentials !== null && typeof credentials === 'object') {
    const identity = credentials as Record<string, unknown>;
    if (
      typeof identity.accessKeyId === 'string' &&
      identity.accessKeyId !== '' &&
      typeof identity.secretAccessKey === 'string' &&
      identity.secretAccessKey !== ''
    ) {
      // A copy: the SDK decorates the identity object it is given (`$source`), and the caller's object is theirs.
      const copy: Record<string, unknown> = {};
      for (const field of COPIED_FIELDS) if (identity[field] !== undefined) copy[field] = identity[field];
      return copy as unknown as AwsCredentialsOption;
    }
  }
  throw new SecretRefConfigError(
    'credentials',
    '`credentials` must be a credential provider (for example `fromIni()` from @aws-sdk/credential-providers) or an object with non-empty `accessKeyId` and `secretAccessKey`',
  );
}

function checkKeyText(value: unknown, option: string, partner: string | undefined): void {
  if (value === undefined && partner !== undefined) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` is required with \`${partner}\`: pass both or neither`,
    );
  }
  if (typeof value !== 'string' || value === '') {
    throw new SecretRefConfigError(option, `\`${option}\` must be a non-empty string (got ${typeOf(value)})`);
  }
  if (/\s/.test(value)) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` contains white space; remove the spaces or line breaks copied along with it`,
    );
  }
}
