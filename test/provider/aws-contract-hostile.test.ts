import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { startLocalSecretsManager } from '../../src/testing/index.js';
import { forwardTo, startHostileEndpoint } from '../support/hostile-endpoint/index.js';
import { type ContractSecret, testProvider } from '../support/provider-contract.js';

const OTHER_ACCOUNT = '210987654321';

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

/**
 * The same answers as a truthful endpoint, told the way AWS may tell them and a hostile one would: batch entries
 * reversed, each one repeated, and before each an entry of another account with the same name and another value.
 */
function tamper(body: unknown): unknown {
  const page = body as { SecretValues?: Record<string, unknown>[] };
  if (!Array.isArray(page.SecretValues)) return body;
  const told = page.SecretValues.flatMap((entry) => [
    entry,
    entry,
    {
      ...entry,
      ARN: String(entry.ARN).replace(/:\d{12}:/, `:${OTHER_ACCOUNT}:`),
      SecretString: 'other-account',
    },
  ]);
  return { ...page, SecretValues: told.reverse() };
}

testProvider(
  'aws (hostile endpoint: shuffled batch answers, other accounts, duplicates)',
  async (fixture) => {
    const local = await startLocalSecretsManager({ secrets: fixture.map(seedOf) });
    const hostile = await startHostileEndpoint(async (request) => {
      const answer = await forwardTo(local.endpoint, request);
      return request.action === 'BatchGetSecretValue' ? { ...answer, body: tamper(answer.body) } : answer;
    });
    const provider = createAwsProvider({
      endpoint: hostile.endpoint,
      region: local.region,
      ...local.credentials,
    });
    return {
      provider,
      teardown: async () => {
        await hostile.close();
        await local.close();
      },
    };
  },
);
