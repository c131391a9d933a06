import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { startLocalSecretsManager } from '../../src/testing/index.js';
import { type ContractSecret, testProvider } from '../support/provider-contract.js';

function seedOf(secret: ContractSecret) {
  return {
    name: secret.name,
    versions: secret.versions.map((version) => ({
      versionId: version.versionId,
      stages: [...version.stages],
      ...(typeof version.value === 'string'
        ? { secretString: version.value }
        : { secretBinary: version.value }),
    })),
  };
}

testProvider('aws (local endpoint, real SDK)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({ secrets: fixture.map(seedOf) });
  const provider = createAwsProvider({
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    accessKeyId: endpoint.credentials.accessKeyId,
    secretAccessKey: endpoint.credentials.secretAccessKey,
  });
  return { provider, teardown: () => endpoint.close() };
});

testProvider('aws (local endpoint, BatchGetSecretValue denied)', async (fixture) => {
  const endpoint = await startLocalSecretsManager({
    secrets: fixture.map(seedOf),
    deniedActions: ['BatchGetSecretValue'],
  });
  const provider = createAwsProvider({
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    credentials: { ...endpoint.credentials },
  });
  return { provider, teardown: () => endpoint.close() };
});
