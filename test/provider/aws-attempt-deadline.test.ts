import { describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { secretEntry, useHostileEndpoint } from '../support/hostile-endpoint/index.js';

const hostile = useHostileEndpoint();

// 60 bytes at one every 400 ms is 24 s of answer: each attempt must be cut after requestTimeoutMs, long before.
const SLOW_BODY = { ...secretEntry('db', CANARY), Padding: 'x'.repeat(60) };
const TRICKLE = { intervalMs: 400 };

function provider(options: { maxAttempts: number; requestTimeoutMs: number }) {
  const { endpoint, region, credentials } = hostile();
  return createAwsProvider({ endpoint, region, ...credentials, ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<SecretRefError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretRefError);
  expectNoCanary(error);
  return error as SecretRefError;
}

describe('requestTimeoutMs bounds each attempt, not only idle time', () => {
  it('an endpoint that trickles a byte every 400 ms is cut at requestTimeoutMs (1 attempt)', async () => {
    // Prepare
    hostile().setHandler(() => ({ body: SLOW_BODY, trickle: TRICKLE }));

    // Act
    const error = await failureOf(
      provider({ maxAttempts: 1, requestTimeoutMs: 1000 }).fetch({ secretId: 'db' }),
    );
    await hostile().settled(1);

    // Assess: the client hung up after about 1000 / 400 bytes, not after the whole body.
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('within 1000 ms');
    const [response] = hostile().responses;
    expect(response?.closedByClient).toBe(true);
    expect(response?.bytesSent).toBeLessThanOrEqual(4);
  });

  it('each of maxAttempts attempts gets its own deadline, then the call fails with timeout', async () => {
    hostile().setHandler(() => ({ body: SLOW_BODY, trickle: TRICKLE }));

    const error = await failureOf(
      provider({ maxAttempts: 2, requestTimeoutMs: 600 }).fetch({ secretId: 'db' }),
    );
    await hostile().settled(2);

    expect(error.code).toBe('timeout');
    expect(hostile().requests).toHaveLength(2);
    expect(hostile().responses.map((response) => response.closedByClient)).toEqual([true, true]);
    expect(Math.max(...hostile().responses.map((response) => response.bytesSent))).toBeLessThanOrEqual(3);
  });

  it('a retry after a cut attempt can still succeed', async () => {
    hostile().setHandler(({ index }) =>
      index === 0 ? { body: SLOW_BODY, trickle: TRICKLE } : { body: secretEntry('db', 'fresh') },
    );

    const payload = await provider({ maxAttempts: 2, requestTimeoutMs: 600 }).fetch({ secretId: 'db' });

    expect(payload.secretString).toBe('fresh');
    expect(hostile().requests).toHaveLength(2);
  });

  it('an answer that is only late in its headers is cut too', async () => {
    hostile().setHandler(() => ({ body: secretEntry('db', 'late'), delayMs: 20_000 }));

    const error = await failureOf(
      provider({ maxAttempts: 1, requestTimeoutMs: 500 }).fetch({ secretId: 'db' }),
    );

    expect(error.code).toBe('timeout');
  });

  it("the caller's abort still wins over the deadline", async () => {
    hostile().setHandler(() => ({ body: SLOW_BODY, trickle: TRICKLE }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const outcome = provider({ maxAttempts: 1, requestTimeoutMs: 5000 }).fetch(
      { secretId: 'db' },
      { signal: controller.signal },
    );

    await expect(outcome).rejects.toMatchObject({ code: 'aborted' });
  });

  it('a fast answer is read whole, and the deadline timer does not outlive it', async () => {
    hostile().setHandler(() => ({
      body: secretEntry('db', 'quick'),
      trickle: { intervalMs: 1, chunkBytes: 16 },
    }));

    const payload = await provider({ maxAttempts: 1, requestTimeoutMs: 2000 }).fetch({ secretId: 'db' });

    expect(payload.secretString).toBe('quick');
  });
});
