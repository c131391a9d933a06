import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import type { FetchResult, SecretLocator } from '../../src/types.js';
import { forwardTo, type HostileEndpoint, startHostileEndpoint } from '../support/hostile-endpoint/index.js';

const outcome = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? `value:${result.payload.secretString}` : result.error.code;

let local: LocalSecretsManager;
let plainNames: HostileEndpoint;

beforeAll(async () => {
  local = await startLocalSecretsManager({
    parameters: [
      { name: '/app/url', value: 'https://v1.example' },
      { name: '/app/url', value: 'https://v2.example' },
      { name: '/app/other', value: 'other-value' },
    ],
  });
  // An endpoint that names every parameter by its name, also those asked for by ARN.
  plainNames = await startHostileEndpoint(async (request) => {
    const answer = await forwardTo(local.endpoint, request);
    const page = answer.body as { Parameters?: Record<string, unknown>[] } | undefined;
    if (!Array.isArray(page?.Parameters)) return answer;
    const Parameters = page.Parameters.map((parameter) => ({
      ...parameter,
      Name: String(parameter.ARN).replace(/^arn:[^/]*parameter/, ''),
    }));
    return { ...answer, body: { ...page, Parameters } };
  });
});

afterAll(async () => {
  await plainNames?.close();
  await local?.close();
});

describe('one parameter asked for by name and by ARN in one call', () => {
  for (const how of ['the ARN as its Name', 'its plain name as its Name']) {
    it(`each reference gets the parameter's value when the answer gives ${how}`, async () => {
      // Prepare
      const ssmEndpoint = how === 'the ARN as its Name' ? local.endpoint : plainNames.endpoint;
      const provider = createAwsProvider({
        region: local.region,
        endpoint: local.endpoint,
        ssmEndpoint,
        ...local.credentials,
        maxAttempts: 1,
      });
      const arn = local.parameterArnOf('/app/url');
      const locators: SecretLocator[] = [
        { secretId: '/app/url', service: 'ssm' },
        { secretId: arn, service: 'ssm' },
        { secretId: '/app/url', service: 'ssm', versionId: '1' },
        { secretId: arn, service: 'ssm', versionId: '1' },
        { secretId: '/app/other', service: 'ssm' },
      ];

      // Act
      const results = await provider.fetchMany(locators);

      // Assess
      expect(results.map(outcome)).toEqual([
        'value:https://v2.example',
        'value:https://v2.example',
        'value:https://v1.example',
        'value:https://v1.example',
        'value:other-value',
      ]);
    });
  }
});
