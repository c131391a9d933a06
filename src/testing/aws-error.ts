/** An error the local endpoint answers with, in the awsJson1_1 shape the SDK turns into a typed exception. */
export class AwsError extends Error {
  override name = 'AwsError';
  /** The AWS error code, sent as `__type` and `x-amzn-ErrorType`. */
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** The messages AWS Secrets Manager (and its front door) uses, so tests see realistic text. */
export const awsErrors = {
  notFound: () =>
    new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
  noVersion: (what: string) =>
    new AwsError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for ${what}`,
    ),
  stageMismatch: () =>
    new AwsError(
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    ),
  deleted: () =>
    new AwsError(
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was marked for deletion.",
    ),
  decryption: () =>
    new AwsError(
      'DecryptionFailure',
      "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
    ),
  invalidParameter: (message: string) => new AwsError('InvalidParameterException', message),
  validation: (message: string) => new AwsError('ValidationException', message),
  invalidNextToken: () => new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.'),
  serialization: () => new AwsError('SerializationException', 'The request body is not valid JSON.'),
  throttle: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  internal: () => new AwsError('InternalServiceError', 'An error occurred on the server side.', 500),
  unknownOperation: (target: string) =>
    new AwsError(
      'UnknownOperationException',
      target === '' ? 'Missing X-Amz-Target header.' : `The local endpoint does not implement ${target}.`,
    ),
  accessDenied: (principal: string, action: string, resource: string, service = 'secretsmanager') =>
    new AwsError(
      'AccessDeniedException',
      `User: ${principal} is not authorized to perform: ${service}:${action} on resource: ${resource} ` +
        `because no identity-based policy allows the ${service}:${action} action`,
    ),
  missingAuth: () => new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token'),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignatureException', message),
  unrecognizedClient: () =>
    new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  badSignature: () =>
    new AwsError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  wrongRegion: (region: string) =>
    new AwsError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${region}'.`,
    ),
  wrongService: (service: string) =>
    new AwsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${service}'.`,
    ),
  expired: (amzDate: string) =>
    new AwsError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is outside the 5 minute window.`,
    ),
};
