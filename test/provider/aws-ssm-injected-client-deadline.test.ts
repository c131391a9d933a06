import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';
import { useHostileEndpoint } from '../support/hostile-endpoint/index.js';

const hostile = useHostileEndpoint();

describe('Parameter Store calls beside an injected SecretsManagerClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an endpoint that never answers ends each attempt at the default deadline: the read fails with timeout, it does not hang', async () => {
    // Prepare: the Parameter Store endpoint accepts the request and never answers
    const endpoint = hostile();
    endpoint.setHandler(() => new Promise(() => undefined));
    const client = new SecretsManagerClient({
      region: endpoint.region,
      endpoint: endpoint.endpoint,
      credentials: endpoint.credentials,
    });
    const provider = createAwsProvider({ client, ssmEndpoint: endpoint.endpoint });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // Act: two minutes go by
    let results: FetchResult[] | undefined;
    const reading = provider
      .fetchMany([
        { secretId: '/app/a', service: 'ssm' },
        { secretId: '/app/b', service: 'ssm' },
      ])
      .then((answer) => {
        results = answer;
      });
    for (let second = 0; second < 120 && results === undefined; second += 1) {
      await vi.advanceTimersByTimeAsync(1000);
    }
    vi.useRealTimers();

    // Assess
    expect(results?.map((result) => (result.ok ? 'value' : result.error.code))).toEqual([
      'timeout',
      'timeout',
    ]);
    await reading;
    expect(endpoint.requests.length).toBeGreaterThanOrEqual(1);
    expect(endpoint.requests.length).toBeLessThanOrEqual(3);
    client.destroy();
  });
});
