import { describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { expectNoCanary } from '../support/canary.js';
import { awsError, type HostileRequest, useHostileEndpoint } from '../support/hostile-endpoint/index.js';

const hostile = useHostileEndpoint();

/** A session token that must show nowhere in what the library throws. */
const SESSION_TOKEN = 'FwoGZXIvYXdzSESSIONCANARY0123456789abcdef';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEYCANARY';

/**
 * AWS's answer to a request whose signature does not match: its message quotes the canonical request it computed,
 * every signed header with its value (`x-amz-security-token` among them), as AWS documents for SigV4 errors.
 */
function signatureMismatch(request: HostileRequest) {
  const headers = request.raw.headers;
  const signed = Object.keys(headers)
    .filter((name) => name.startsWith('x-amz-') || name === 'host' || name === 'content-type')
    .sort();
  const canonical = [
    'POST',
    '/',
    '',
    ...signed.map((name) => `${name}:${headers[name]}`),
    '',
    signed.join(';'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n');
  return awsError(
    'InvalidSignatureException',
    `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/secretsmanager/aws4_request\n0000'\n`,
  );
}

describe('credentials in what AWS echoes back', () => {
  it('a signature error quoting the signed headers shows the session token nowhere in the error or its cause', async () => {
    // Prepare
    const endpoint = hostile();
    endpoint.setHandler(signatureMismatch);
    const manager = createAwsSecretsManager({
      region: endpoint.region,
      endpoint: endpoint.endpoint,
      accessKeyId: endpoint.credentials.accessKeyId,
      secretAccessKey: SECRET_KEY,
      sessionToken: SESSION_TOKEN,
      maxAttempts: 1,
    });

    // Act
    const error = await manager.getSecret('prod/db').then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess: the endpoint did see the token, and echoed it; the error names the keys, not the token
    expect(endpoint.requests[0]?.raw.headers['x-amz-security-token']).toBe(SESSION_TOKEN);
    expect(error).toBeInstanceOf(SecretRefError);
    expect((error as SecretRefError).code).toBe('invalid_credentials');
    expect((error as SecretRefError).cause).toMatchObject({ name: 'InvalidSignatureException' });
    expect(((error as SecretRefError).cause as Error).message).toContain(
      'The request signature we calculated does not match',
    );
    expectNoCanary(error, SESSION_TOKEN);
    expectNoCanary(error, SECRET_KEY);
  });
});
