import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import {
  type LocalSecretsManager,
  type SeedParameter,
  startLocalSecretsManager,
} from '../../src/testing/index.js';
import { type ContractParameter, testParameterProvider } from '../support/parameter-contract.js';

function seedOf(fixture: readonly ContractParameter[]): SeedParameter[] {
  return fixture.flatMap((parameter) =>
    parameter.versions.map((version) => ({
      name: parameter.name,
      type: parameter.type,
      value: version.value,
      ...(version.labels === undefined ? {} : { labels: [...version.labels] }),
    })),
  );
}

/** The hooks of the local endpoint: what each GetParameters call asked for, and refusing reads. */
function hooks(endpoint: LocalSecretsManager) {
  return {
    callNames: () =>
      endpoint.requests
        .filter((request) => request.service === 'ssm' && request.action === 'GetParameters')
        .map((request) => request.secretIds),
    deny: () => {
      endpoint.denyActions(['GetParameters']);
      return () => endpoint.denyActions([]);
    },
    teardown: () => endpoint.close(),
  };
}

testParameterProvider('aws (local endpoint, real SDK)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({ parameters: seedOf(fixture) });
  const provider = createAwsProvider({
    endpoint: endpoint.endpoint,
    ssmEndpoint: endpoint.endpoint,
    region: endpoint.region,
    ...endpoint.credentials,
    maxAttempts: 1,
  });
  return { provider, ...hooks(endpoint) };
});

testParameterProvider('aws (local endpoint, an injected Secrets Manager client)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({ parameters: seedOf(fixture) });
  const client = new SecretsManagerClient({
    region: endpoint.region,
    endpoint: endpoint.endpoint,
    credentials: endpoint.credentials,
    maxAttempts: 1,
  });
  const provider = createAwsProvider({ client, ssmEndpoint: endpoint.endpoint });
  return { provider, ...hooks(endpoint) };
});
