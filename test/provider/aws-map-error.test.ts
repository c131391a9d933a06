import { DecryptionFailure, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../../src/errors.js';
import type { AwsErrorContext } from '../../src/provider/aws/call-context.js';
import { mapAwsError, mapAwsErrorCode } from '../../src/provider/aws/map-error.js';
import { sanitizeSdkError } from '../../src/provider/aws/sanitize-error.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const CONTEXT: AwsErrorContext = {
  action: 'GetSecretValue',
  secretId: 'prod/db',
  region: 'us-east-1',
  endpoint: 'http://localhost:4566',
  requestTimeoutMs: 5000,
};

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('mapAwsError', () => {
  it('says how many attempts timed out and about how long they took in all', () => {
    const error = sdkError('TimeoutError', { $metadata: { attempts: 3, totalRetryDelay: 300 } });
    expect(mapAwsError(error, CONTEXT).message).toBe(
      'http://localhost:4566 did not answer GetSecretValue for secret "prod/db" within 5000 ms (3 attempts, about 15.3 s in all); check the network path or raise `requestTimeoutMs`',
    );
  });

  it("shows a failed credential_process's first line, without what looks like a value or the command", () => {
    const error = sdkError('CredentialsProviderError', {
      message: `Command failed: /usr/local/bin/get-creds --profile ops\n\nerror: session expired for alice; key=${CANARY} "${CANARY}" AKIA${'X'.repeat(16)}\nsecond line`,
    });
    const mapped = mapAwsError(error, CONTEXT);
    expect(mapped.code).toBe('invalid_credentials');
    expect(mapped.message).toBe(
      'The profile\'s credential_process failed: "error: session expired for alice; key=… … …"; run it by hand to see why, fix it or sign in again, then retry',
    );
    expectNoCanary(mapped);
  });

  it('names the region a request was signed for when the endpoint serves another one, instead of blaming the keys', () => {
    const error = sdkError('InvalidSignatureException', {
      $fault: 'client',
      message: 'Credential should be scoped to a valid region.',
    });
    const mapped = mapAwsError(error, { ...CONTEXT, endpoint: undefined });
    expect(mapped.code).toBe('invalid_credentials');
    expect(mapped.message).toBe(
      "The Secrets Manager endpoint refused a request signed for region us-east-1: it serves another region (InvalidSignatureException); set `region` to the endpoint's region, or use the endpoint of region us-east-1",
    );
    expect(mapped.message).not.toContain('secretAccessKey');
  });

  it.each([
    ['ResourceNotFoundException', {}, 'secret_not_found', false],
    ['AccessDeniedException', {}, 'access_denied', false],
    ['UnrecognizedClientException', {}, 'invalid_credentials', false],
    ['InvalidSignatureException', {}, 'invalid_credentials', false],
    ['ExpiredTokenException', {}, 'invalid_credentials', false],
    ['InvalidClientTokenId', {}, 'invalid_credentials', false],
    ['CredentialsProviderError', {}, 'invalid_credentials', false],
    ['ThrottlingException', {}, 'throttled', true],
    ['TooManyRequestsException', {}, 'throttled', true],
    ['SomethingElse', { $metadata: { httpStatusCode: 429 } }, 'throttled', true],
    ['DecryptionFailure', {}, 'decryption_failed', false],
    [
      'InternalServiceError',
      { $fault: 'server', $metadata: { httpStatusCode: 500 } },
      'provider_error',
      true,
    ],
    ['ServiceUnavailable', { $metadata: { httpStatusCode: 503 } }, 'provider_error', true],
    ['TimeoutError', {}, 'timeout', true],
    ['Error', { code: 'ETIMEDOUT' }, 'timeout', true],
    ['Error', { code: 'ECONNREFUSED' }, 'network', true],
    ['Error', { code: 'ECONNRESET' }, 'network', true],
    ['Error', { code: 'EPIPE' }, 'network', true],
    ['Error', { code: 'ENOTFOUND' }, 'unknown_endpoint', false],
    ['Error', { code: 'EAI_AGAIN' }, 'unknown_endpoint', true],
    ['InvalidRequestException', { $fault: 'client' }, 'invalid_request', false],
    ['InvalidParameterException', { $fault: 'client' }, 'invalid_request', false],
    ['UnknownOperationException', { $metadata: { httpStatusCode: 400 } }, 'unknown_endpoint', false],
    ['Weird', { $metadata: { httpStatusCode: 418 } }, 'provider_error', false],
  ])('maps %s %o to %s (transient: %s)', (name, extra, code, transient) => {
    // Prepare
    const original = sdkError(name, extra);

    // Act
    const mapped = mapAwsError(original, CONTEXT);

    // Assess
    expect(mapped).toBeInstanceOf(SecretFetchError);
    expect(mapped).toMatchObject({ code, transient, ref: 'prod/db' });
    expect(mapped.cause).toBe(original);
    expect(mapped.message).not.toContain('happened happened');
  });

  it('says what to fix', () => {
    const denied = mapAwsError(sdkError('AccessDeniedException'), CONTEXT);
    expect(denied.message).toBe(
      'The credentials are not allowed secretsmanager:GetSecretValue on secret "prod/db"; grant it in the IAM policy (and kms:Decrypt on its KMS key if it uses a customer managed key)',
    );
    const missing = mapAwsError(sdkError('ResourceNotFoundException'), {
      ...CONTEXT,
      versionStage: 'AWSPREVIOUS',
    });
    expect(missing.message).toBe(
      'Secret "prod/db" (version stage "AWSPREVIOUS") was not found in us-east-1; check the secret name or ARN, the version and the region',
    );
    const timeout = mapAwsError(sdkError('TimeoutError'), CONTEXT);
    expect(timeout.message).toContain('within 5000 ms');
    expect(timeout.message).toContain('`requestTimeoutMs`');
    const dns = mapAwsError(sdkError('Error', { code: 'ENOTFOUND' }), CONTEXT);
    expect(dns.message).toContain('http://localhost:4566');
    expect(dns.message).toContain('`endpoint`');
    const credentials = mapAwsError(sdkError('UnrecognizedClientException'), CONTEXT);
    expect(credentials.message).toContain('`secretAccessKey`');
    const list = mapAwsError(sdkError('AccessDeniedException'), {
      action: 'ListSecrets',
      region: 'us-east-1',
    });
    expect(list.message).toBe(
      'The credentials are not allowed secretsmanager:ListSecrets on secrets; grant it in the IAM policy',
    );
  });

  it("words a Parameter Store call's failures in Parameter Store's terms, never Secrets Manager's", () => {
    // Prepare
    const ssm: AwsErrorContext = {
      action: 'GetParameters',
      secretId: '/app/url',
      versionStage: 'live',
      service: 'ssm-secure',
      region: 'us-east-1',
    };
    const failures = [
      sdkError('AccessDeniedException'),
      sdkError('ParameterNotFound'),
      sdkError('ResourceNotFoundException'),
      sdkError('InvalidKeyId'),
      sdkError('ThrottlingException'),
      sdkError('InvalidSignatureException', { message: 'Credential should be scoped to a valid region.' }),
      sdkError('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      sdkError('UnknownOperationException', { $metadata: { httpStatusCode: 404 } }),
      sdkError('Error', { code: 'ECONNREFUSED' }),
      sdkError('Error', { code: 'ENOTFOUND' }),
      sdkError('TimeoutError'),
    ];

    // Act
    const messages = failures.map((failure) => mapAwsError(failure, ssm).message);

    // Assess
    expect(messages[0]).toBe(
      'The credentials are not allowed ssm:GetParameters on parameter "/app/url" (label "live"); grant it in the IAM policy (and kms:Decrypt on the key of a SecureString)',
    );
    expect(messages[3]).toBe(
      'AWS could not decrypt parameter "/app/url" (label "live") with its KMS key (InvalidKeyId); grant kms:Decrypt on the key to these credentials',
    );
    expect(messages[6]).toBe(
      'Parameter Store failed with a server error (InternalServerError, HTTP 500) on GetParameters for parameter "/app/url" (label "live"); try again later',
    );
    expect(messages[8]).toBe(
      'Could not reach Parameter Store in us-east-1 (ECONNREFUSED); check `ssmEndpoint`, proxies and the network',
    );
    for (const message of messages) {
      expect(message).not.toMatch(/Secrets Manager|secretsmanager|secret "|GetSecretValue|`endpoint`/);
    }
    expect(mapAwsError(sdkError('AccessDeniedException'), { ...ssm, service: 'ssm' }).message).not.toContain(
      'kms:Decrypt',
    );
  });

  it('keeps modeled SDK exceptions as the cause', () => {
    const original = new DecryptionFailure({ message: 'KMS said no', $metadata: { httpStatusCode: 400 } });
    const mapped = mapAwsError(original, CONTEXT);
    expect(mapped).toMatchObject({ code: 'decryption_failed' });
    expect(mapped.cause).toBe(original);
  });

  it('returns the library’s own errors unchanged', () => {
    const own = new SecretFetchError('network', 'already mapped');
    expect(mapAwsError(own, CONTEXT)).toBe(own);
  });

  it('turns an AbortError, or any failure after the signal fired, into a SecretRefAbortError', () => {
    const abort = mapAwsError(sdkError('AbortError'), CONTEXT);
    expect(abort).toBeInstanceOf(SecretRefAbortError);
    expect(abort).toMatchObject({ name: 'AbortError', code: 'aborted' });
    const controller = new AbortController();
    controller.abort();
    expect(
      mapAwsError(sdkError('Error', { code: 'ECONNRESET' }), { ...CONTEXT, signal: controller.signal }),
    ).toBeInstanceOf(SecretRefAbortError);
  });

  it('maps BatchGetSecretValue Errors[] entries by code', () => {
    const mapped = mapAwsErrorCode('ResourceNotFoundException', "can't find", CONTEXT);
    expect(mapped).toMatchObject({ code: 'secret_not_found', ref: 'prod/db' });
    expect((mapped.cause as Error).message).toBe("ResourceNotFoundException: can't find");
    expect(mapAwsErrorCode('InternalServiceError', undefined, CONTEXT)).toMatchObject({
      code: 'provider_error',
      transient: true,
    });
  });

  it('withholds a response body that failed to parse (it may hold the secret value)', () => {
    // Prepare: what the SDK throws when a GetSecretValue answer is not valid JSON
    let parseError: Error;
    try {
      JSON.parse(`{"SecretString":"${CANARY}"`);
      throw new Error('unreachable');
    } catch (error) {
      parseError = error as Error;
    }
    Object.defineProperty(parseError, '$responseBodyText', { value: `{"SecretString":"${CANARY}"` });
    Object.defineProperty(parseError, '$response', {
      value: { statusCode: 200, body: `{"SecretString":"${CANARY}"` },
      enumerable: false,
      configurable: false,
    });
    Object.assign(parseError, { $metadata: { httpStatusCode: 200, requestId: 'req-1' } });

    // Act
    const mapped = mapAwsError(parseError, CONTEXT);

    // Assess
    expect(mapped).toMatchObject({ code: 'provider_error', transient: false });
    expect(mapped.message).toContain('could not be read');
    expect(mapped.cause).toBeInstanceOf(SyntaxError);
    expect((mapped.cause as { $metadata?: unknown }).$metadata).toEqual({
      httpStatusCode: 200,
      requestId: 'req-1',
    });
    expectNoCanary(mapped);
  });

  it('drops the raw HTTP exchange (which reaches the signed request) from a modeled exception', () => {
    const original = new ResourceNotFoundException({
      message: 'not here',
      $metadata: { httpStatusCode: 400 },
    });
    Object.defineProperty(original, '$response', {
      value: { statusCode: 400, body: { req: { headers: { 'x-amz-security-token': CANARY } } } },
      enumerable: false,
      writable: false,
      configurable: false,
    });

    const mapped = mapAwsError(original, CONTEXT);

    expect(mapped.cause).not.toBe(original);
    expect(mapped.cause).toBeInstanceOf(ResourceNotFoundException);
    expect((mapped.cause as Error).message).toBe('not here');
    expectNoCanary(mapped);
  });

  it('leaves errors without an HTTP exchange alone', () => {
    const plain = sdkError('Error', { code: 'ECONNREFUSED' });
    expect(sanitizeSdkError(plain)).toBe(plain);
    expect(sanitizeSdkError('text')).toBe('text');
    expect(mapAwsError('text', CONTEXT)).toBeInstanceOf(SecretRefError);
  });
});

describe('what reaches messages and causes from outside the library', () => {
  it("keeps only the first line of a credential provider's error: credential_process prints its stderr after it", () => {
    // Prepare: the SDK's error for a failing credential_process, whose stderr printed a key
    const error = sdkError('CredentialsProviderError', {
      message: `Command failed: /usr/local/bin/get-creds\ndebug: using key ${CANARY}\n`,
    });

    // Act
    const mapped = mapAwsError(error, CONTEXT);

    // Assess
    expect(mapped.code).toBe('invalid_credentials');
    expect((mapped.cause as Error).message).toBe('Command failed: /usr/local/bin/get-creds');
    expect((mapped.cause as Error).name).toBe('CredentialsProviderError');
    expectNoCanary(mapped);
  });

  it("names the endpoint by its origin only: a proxy's path may hold a token", () => {
    const error = sdkError('Error', { code: 'ECONNREFUSED' });
    const mapped = mapAwsError(error, { ...CONTEXT, endpoint: `http://127.0.0.1:1/proxy/${CANARY}` });
    expect(mapped.code).toBe('network');
    expect(mapped.message).toContain('http://127.0.0.1:1');
    expect(mapped.message).not.toContain(CANARY);
  });
});
