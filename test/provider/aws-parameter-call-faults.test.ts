import { describe, expect, it } from 'vitest';
import { SecretResolutionError } from '../../src/errors.js';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { FetchResult } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { awsError, useHostileEndpoint } from '../support/hostile-endpoint/index.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const outcome = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? `value:${result.payload.secretString}` : result.error.code;

describe('a GetParameters call that fails for one name (the local endpoint fails the call, as AWS does)', () => {
  const endpoint = useLocalEndpoint({
    parameters: [
      { name: '/app/token', type: 'SecureString', value: 'token-value' },
      { name: '/app/key', type: 'SecureString', value: 'key-value' },
      { name: '/app/locked', type: 'SecureString', value: CANARY, kmsFailure: true },
    ],
  });

  it('a SecureString whose KMS key refuses is decryption_failed alone: the other references of the call resolve', async () => {
    // Prepare
    const sm = endpoint();
    const manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      ssmEndpoint: sm.endpoint,
      ...sm.credentials,
      maxAttempts: 1,
    });

    // Act
    const error = await resolveConnection(
      {
        token: '{{resolve:ssm-secure:/app/token}}',
        locked: '{{resolve:ssm-secure:/app/locked}}',
        key: 'k={{resolve:ssm-secure:/app/key}}',
      },
      manager,
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SecretResolutionError);
    const issues = (error as SecretResolutionError).issues;
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([[['locked'], 'decryption_failed']]);
    expect(issues[0]?.message).toContain('parameter "/app/locked"');
    expectNoCanary(error);
    const settled = await manager.getSecrets([
      '{{resolve:ssm-secure:/app/token}}',
      '{{resolve:ssm-secure:/app/key}}',
    ]);
    expect(settled.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'token-value',
      'key-value',
    ]);
  });
});

describe('a GetParameters call that fails as a whole', () => {
  const hostile = useHostileEndpoint();

  function provider() {
    const { endpoint, region, credentials } = hostile();
    return createAwsProvider({ ssmEndpoint: endpoint, endpoint, region, ...credentials, maxAttempts: 1 });
  }

  it('throttling, a server error or refused keys fail every name of the call, with no call per name', async () => {
    for (const [answer, code] of [
      [awsError('ThrottlingException', 'Rate exceeded'), 'throttled'],
      [awsError('InternalServerError', 'oops', 500), 'provider_error'],
      [
        awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
        'invalid_credentials',
      ],
    ] as const) {
      // Prepare
      hostile().setHandler(() => answer);

      // Act
      const results = await provider().fetchMany([
        { secretId: '/a', service: 'ssm' },
        { secretId: '/b', service: 'ssm' },
        { secretId: '/c', service: 'ssm' },
      ]);

      // Assess
      expect(results.map(outcome)).toEqual([code, code, code]);
      expect(hostile().requests).toHaveLength(1);
    }
  });

  it('a call refused for one name the policy does not allow is asked again name by name', async () => {
    // Prepare: the policy allows /orders/*, not /other/*
    hostile().setHandler(({ input }) => {
      const names = (input.Names as string[]) ?? [];
      if (names.some((name) => name.startsWith('/other/'))) {
        return awsError(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:user/app is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/other/x',
        );
      }
      return {
        body: {
          Parameters: names.map((name) => ({
            Name: name,
            Type: 'String',
            Value: `value of ${name}`,
            Version: 1,
            ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
          })),
          InvalidParameters: [],
        },
      };
    });

    // Act
    const results = await provider().fetchMany([
      { secretId: '/orders/db', service: 'ssm' },
      { secretId: '/other/x', service: 'ssm' },
      { secretId: '/orders/url', service: 'ssm' },
    ]);

    // Assess
    expect(results.map(outcome)).toEqual([
      'value:value of /orders/db',
      'access_denied',
      'value:value of /orders/url',
    ]);
    expect(hostile().requests.map((request) => request.input.Names)).toEqual([
      ['/orders/db', '/other/x', '/orders/url'],
      ['/orders/db'],
      ['/other/x'],
      ['/orders/url'],
    ]);
  });
});
