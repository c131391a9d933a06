import { describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { forwardTo, startHostileEndpoint } from '../support/hostile-endpoint/index.js';
import {
  type ContractParameter,
  endpointHooks,
  PARAMETER_CONTRACT_FIXTURE,
  parameterSeed,
  testParameterProvider,
} from '../support/parameter-contract.js';

const OTHER_ACCOUNT = '210987654321';

type Tamper = (parameters: Record<string, unknown>[]) => Record<string, unknown>[];

/** Parameters reversed, and beside each one a parameter never asked for (whose value is a canary). */
const reorderedWithExtras: Tamper = (parameters) =>
  parameters
    .flatMap((parameter) => [
      parameter,
      {
        ...parameter,
        Name: `${String(parameter.Name)}-not-asked`,
        ARN: `${String(parameter.ARN)}-not-asked`,
        Value: `not-asked-${CANARY}`,
      },
    ])
    .reverse();

/** Each parameter told twice, and once more as another account's parameter of the same name and another value. */
const repeatedAndForeign: Tamper = (parameters) =>
  parameters.flatMap((parameter) => [
    parameter,
    parameter,
    {
      ...parameter,
      ARN: String(parameter.ARN).replace(/:\d{12}:/, `:${OTHER_ACCOUNT}:`),
      Value: `other-account-${CANARY}`,
    },
  ]);

async function hostileProvider(fixture: readonly ContractParameter[], tamper: Tamper) {
  const local = await startLocalSecretsManager({ parameters: parameterSeed(fixture) });
  const hostile = await startHostileEndpoint(async (request) => {
    const answer = await forwardTo(local.endpoint, request);
    const page = answer.body as { Parameters?: Record<string, unknown>[] } | undefined;
    if (request.action !== 'GetParameters' || !Array.isArray(page?.Parameters)) return answer;
    return { ...answer, body: { ...page, Parameters: tamper(page.Parameters) } };
  });
  const provider = createAwsProvider({
    endpoint: local.endpoint,
    ssmEndpoint: hostile.endpoint,
    region: local.region,
    ...local.credentials,
    maxAttempts: 1,
  });
  return {
    provider,
    ...endpointHooks(local),
    teardown: async () => {
      await hostile.close();
      await local.close();
    },
  };
}

testParameterProvider(
  'aws (hostile endpoint: answers reversed, with parameters never asked for)',
  (fixture) => hostileProvider(fixture, reorderedWithExtras),
);

describe('Parameter Store answers that repeat a parameter or add another account’s', () => {
  it('serve no value of theirs: each reference is a malformed-answer error naming its parameter, no value', async () => {
    const { provider, teardown } = await hostileProvider(PARAMETER_CONTRACT_FIXTURE, repeatedAndForeign);
    try {
      const locators = [
        { secretId: '/contract/plain', service: 'ssm' as const },
        { secretId: '/contract/secure', service: 'ssm-secure' as const },
        { secretId: '/contract/rotated', service: 'ssm' as const, versionStage: 'previous' },
      ];
      const results = await provider.fetchMany!(locators);
      for (const [index, result] of results.entries()) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.error.code).toBe('provider_error');
        expect(result.error.message).toContain(locators[index]!.secretId);
        expectNoCanary(result.error);
      }
    } finally {
      await teardown();
    }
  });
});
