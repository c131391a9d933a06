import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsSecretsManager } from '../../src/provider/aws/index.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const COUNT = 30;
const ids = Array.from({ length: COUNT }, (_, index) => `s${index}`);
const endpoint = useLocalEndpoint({ secrets: ids.map((name) => ({ name, secretString: `v-${name}` })) });

let warnings: Error[];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

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
    const resolved = await resolveConnection(connection, manager, { signal: new AbortController().signal });
    expect(resolved).toEqual(ids.map((id) => `v-${id}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
