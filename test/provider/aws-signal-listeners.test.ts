import { describe, expect, it } from 'vitest';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { limitedController, watchListenerWarnings } from '../support/listener-warnings.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const COUNT = 30;
const ids = Array.from({ length: COUNT }, (_, index) => `s${index}`);
const endpoint = useLocalEndpoint({ secrets: ids.map((name) => ({ name, secretString: `v-${name}` })) });

const leakWarnings = watchListenerWarnings();

describe('AWS provider: abort listeners', () => {
  it.each([
    ['BatchGetSecretValue allowed', [] as string[]],
    ['BatchGetSecretValue denied (GetSecretValue fallback)', ['BatchGetSecretValue']],
  ])('resolves 30 secrets with a signal and no MaxListenersExceededWarning: %s', async (_label, denied) => {
    const sm = endpoint();
    sm.denyActions(denied);
    const manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
    });
    const connection = ids.map((id) => `{{resolve:secretsmanager:${id}}}`);
    const resolved = await resolveConnection(connection, manager, { signal: limitedController().signal });
    expect(resolved).toEqual(ids.map((id) => `v-${id}`));
    expect(await leakWarnings()).toEqual([]);
  });
});
