import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { startLocalSecretsManager } from '../../src/testing/index.js';
import { endpointHooks, parameterSeed, testParameterProvider } from '../support/parameter-contract.js';

testParameterProvider('aws (local endpoint, real SDK)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({ parameters: parameterSeed(fixture) });
  const provider = createAwsProvider({
    endpoint: endpoint.endpoint,
    ssmEndpoint: endpoint.endpoint,
    region: endpoint.region,
    ...endpoint.credentials,
    maxAttempts: 1,
  });
  return { provider, ...endpointHooks(endpoint), teardown: () => endpoint.close() };
});

testParameterProvider('aws (local endpoint, an injected Secrets Manager client)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({ parameters: parameterSeed(fixture) });
  const client = new SecretsManagerClient({
    region: endpoint.region,
    endpoint: endpoint.endpoint,
    credentials: endpoint.credentials,
    maxAttempts: 1,
  });
  const provider = createAwsProvider({ client, ssmEndpoint: endpoint.endpoint });
  return { provider, ...endpointHooks(endpoint), teardown: () => endpoint.close() };
});
