import { SecretRefConfigError } from '../../errors.js';
import type { AwsCredentialsOption } from './config.js';
import { typeOf } from './describe-value.js';

/**
 * Checks the credential options (static keys, session token, `credentials`) and returns what the SDK client gets:
 * an identity object, a provider, or `undefined` for the SDK's default chain.
 * @example
 *   resolveCredentials({ accessKeyId: 'AKIA…', secretAccessKey: '…' });
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
  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    ...(sessionToken === undefined ? {} : { sessionToken: sessionToken as string }),
  };
}

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
      return credentials as AwsCredentialsOption;
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
