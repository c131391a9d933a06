/**
 * The one classification of AWS error names. Every place that decides something from an error's name (the error
 * mapping, the batch call's fallback, `testConnection`) asks here, so that two spellings of one error can never be
 * told apart in one place and confused in another.
 *
 * AWS spells one error several ways: with or without the `Exception` suffix (`AccessDenied` from the query
 * protocols and STS-style endpoints, `AccessDeniedException` from JSON ones), and an endpoint other than AWS may send
 * the raw `__type` (`com.amazonaws.secretsmanager#ResourceNotFoundException`) or a `Code:` with a URL after it. All
 * of them are one base name here.
 */

/**
 * What an AWS error name means to the library: `access_denied` is a refusal, not a fault; `unknown_operation` an
 * endpoint without the action (an older one, LocalStack without `BatchGetSecretValue`); `invalid_credentials` keys
 * refused (unknown key, bad signature, missing token), `expired_credentials` keys recognised but expired,
 * `no_credentials` none found by the SDK; `decryption_failed` KMS refused (a key disabled, missing or not allowed).
 */
export type AwsErrorKind =
  | 'not_found'
  | 'access_denied'
  | 'unknown_operation'
  | 'expired_credentials'
  | 'invalid_credentials'
  | 'no_credentials'
  | 'throttled'
  | 'invalid_request'
  | 'decryption_failed'
  | 'server'
  | 'timeout'
  | 'aborted';

/** Base names (without `Exception`) and what they mean; a name is looked up after {@link awsErrorBaseName}. */
const KINDS: Readonly<Record<string, AwsErrorKind>> = {
  ResourceNotFound: 'not_found',
  AccessDenied: 'access_denied',
  UnknownOperation: 'unknown_operation',
  ExpiredToken: 'expired_credentials',
  RequestExpired: 'expired_credentials',
  TokenRefreshRequired: 'expired_credentials',
  UnrecognizedClient: 'invalid_credentials',
  InvalidSignature: 'invalid_credentials',
  SignatureDoesNotMatch: 'invalid_credentials',
  IncompleteSignature: 'invalid_credentials',
  InvalidClientTokenId: 'invalid_credentials',
  MissingAuthenticationToken: 'invalid_credentials',
  AuthFailure: 'invalid_credentials',
  CredentialsProviderError: 'no_credentials',
  Throttling: 'throttled',
  TooManyRequests: 'throttled',
  RequestLimitExceeded: 'throttled',
  LimitExceeded: 'throttled',
  RequestThrottled: 'throttled',
  SlowDown: 'throttled',
  InvalidRequest: 'invalid_request',
  InvalidParameter: 'invalid_request',
  Validation: 'invalid_request',
  InvalidNextToken: 'invalid_request',
  DecryptionFailure: 'decryption_failed',
  // Parameter Store passes KMS's refusals on by these names, and as `KMS.<KMS's own name>`.
  InvalidKeyId: 'decryption_failed',
  KMSAccessDenied: 'decryption_failed',
  KMSDisabled: 'decryption_failed',
  KMSInvalidState: 'decryption_failed',
  InternalServiceError: 'server',
  InternalFailure: 'server',
  InternalServerError: 'server',
  ServiceUnavailable: 'server',
  TimeoutError: 'timeout',
  RequestTimeout: 'timeout',
  AbortError: 'aborted',
};

/** Errors KMS raised, as another service passes them on: `KMS.DisabledException`, `KMS.NotFoundException`, … */
const KMS_PREFIX = 'KMS.';

/**
 * The base of an AWS error name: the part after a `namespace#`, before a `:` and its URL, without a trailing
 * `Exception` (`com.amazonaws.secretsmanager#AccessDeniedException` → `AccessDenied`).
 */
function awsErrorBaseName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '' || name.length > 512) return undefined;
  let base = name.slice(name.lastIndexOf('#') + 1);
  const colon = base.indexOf(':');
  if (colon !== -1) base = base.slice(0, colon);
  base = base.trim();
  if (base.endsWith('Exception') && base.length > 'Exception'.length)
    base = base.slice(0, -'Exception'.length);
  return base === '' ? undefined : base;
}

/**
 * What an AWS error name (an exception's `name`, an `ErrorCode` of `Errors[]`, a `__type`) means, or `undefined`
 * when it is not one the library knows.
 */
export function awsErrorKind(name: unknown): AwsErrorKind | undefined {
  const base = awsErrorBaseName(name);
  if (base === undefined) return undefined;
  if (Object.hasOwn(KINDS, base)) return KINDS[base];
  return base.startsWith(KMS_PREFIX) && base.length > KMS_PREFIX.length ? 'decryption_failed' : undefined;
}

/** {@link awsErrorBaseName} of a thrown value's `name`. */
export function awsErrorBaseNameOf(error: unknown): string | undefined {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return undefined;
  // The value comes from the SDK or from an injected client: its `name` may be a getter that throws.
  try {
    return awsErrorBaseName((error as { name?: unknown }).name);
  } catch {
    return undefined;
  }
}

/** {@link awsErrorKind} of a thrown value's `name` (read as {@link awsErrorBaseNameOf} does). */
export function awsErrorKindOf(error: unknown): AwsErrorKind | undefined {
  return awsErrorKind(awsErrorBaseNameOf(error));
}

/** An error code as the endpoint sent it, when it looks like one; messages quote it, so junk is not passed on. */
export function errorName(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.:#-]{0,99}$/.test(value) ? value : 'UnknownError';
}
