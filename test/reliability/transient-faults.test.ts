import { beforeEach, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { Fault, LocalSecretsManager } from '../../src/testing/index.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import {
  expectSound,
  hammer,
  managerFor,
  passwordOf,
  printFigure,
  SECRET_COUNT,
  secretName,
  seeds,
} from './hammer.js';

const READS = 200;

let sm: LocalSecretsManager;

const endpoint = useLocalEndpoint({ secrets: seeds() });

beforeEach(() => {
  sm = endpoint();
});

const passwordRef = (n: number): string =>
  `{{resolve:secretsmanager:${secretName(n)}:SecretString:password}}`;
const failedStatuses = (): number => sm.requests.filter((request) => request.status !== 200).length;

describe('transient faults are survived through the SDK retries, with every value right', () => {
  // Bursts stay within the SDK's retry quota (500 tokens a client; a throttling retry costs 5, a 5xx, dropped
  // connection or timeout retry 10): past it the SDK stops retrying, which the permanent-fault tests cover.
  const bursts: {
    scenario: string;
    fault: Fault & { times: number };
    requestTimeoutMs?: number;
    concurrency?: number;
  }[] = [
    { scenario: 'throttle burst', fault: { kind: 'throttle', times: 60 } },
    { scenario: 'HTTP 500 burst', fault: { kind: 'http500', times: 30 } },
    { scenario: 'dropped connections', fault: { kind: 'drop', times: 30 } },
    {
      scenario: 'answers slower than requestTimeoutMs',
      fault: { kind: 'delay', ms: 3_000, times: 15 },
      // Each attempt now ends at requestTimeoutMs however the answer trickles: leave room for a loaded CI machine.
      requestTimeoutMs: 1_000,
      concurrency: 20,
    },
  ];

  for (const { scenario, fault, requestTimeoutMs, concurrency } of bursts) {
    it(`${scenario}: ${READS}/${READS} reads return the seeded value`, async () => {
      // Prepare
      const manager = managerFor(sm, { maxAttempts: 5, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
      sm.injectFault(fault);

      // Act
      const tally = await hammer(
        READS,
        (n) => manager.getSecret({ secretId: secretName(n), jsonKey: 'password' }),
        concurrency,
      );

      // Assess
      printFigure(scenario, tally, `${sm.requests.length} requests for ${fault.times} faults`);
      expectSound(tally);
      expect(tally.ok).toBe(READS);
      if (fault.kind === 'delay') {
        expect(sm.requests.length).toBeGreaterThanOrEqual(READS);
      } else {
        expect(failedStatuses()).toBe(fault.times);
        expect(sm.requests.length).toBe(READS + fault.times);
      }
    });
  }

  it(`mixed burst (throttle, 500, drop, slow) under batched resolveConnection: ${READS} references right`, async () => {
    // Prepare
    const manager = managerFor(sm, { maxAttempts: 5, requestTimeoutMs: 1_000 });
    for (const fault of [
      { kind: 'throttle', times: 3 },
      { kind: 'http500', times: 3 },
      { kind: 'drop', times: 2 },
      { kind: 'delay', ms: 3_000, times: 2 },
    ] as Fault[]) {
      sm.injectFault(fault);
    }
    const perConnection = 20;
    const connections = Array.from({ length: READS / perConnection }, (_, c) =>
      Object.fromEntries(
        Array.from({ length: perConnection }, (_, k) => [`field${k}`, passwordRef(c * perConnection + k)]),
      ),
    );

    // Act
    const results = await Promise.all(
      connections.map((connection) => resolveConnection(connection, manager)),
    );
    const tally = await hammer(READS, async (n) => {
      const value = results[Math.floor(n / perConnection)]![`field${n % perConnection}`];
      return typeof value === 'string' ? value : '';
    });

    // Assess
    printFigure('mixed burst, batched resolveConnection', tally, `${sm.requests.length} requests`);
    expectSound(tally);
    expect(tally.ok).toBe(READS);
    expect(sm.requests.every((request) => request.action === 'BatchGetSecretValue')).toBe(true);
    expect(sm.requests.filter((request) => request.status !== 200).length).toBe(8);
  });

  it(`endpoint throttling without end: stale-if-error serves ${READS}/${READS} cached values`, async () => {
    // Prepare
    const manager = managerFor(sm, { maxAttempts: 1, cache: { ttlMs: 0, staleIfErrorMs: 60_000 } });
    const warm = await manager.getSecrets(Array.from({ length: SECRET_COUNT }, (_, n) => secretName(n)));
    expect(warm.every((result) => result.ok)).toBe(true);
    sm.injectFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });

    // Act
    const tally = await hammer(READS, (n) =>
      manager.getSecret({ secretId: secretName(n), jsonKey: 'password' }),
    );

    // Assess
    const { staleServed } = manager.stats();
    printFigure('stale-if-error under endless throttling', tally, `${staleServed} stale reads`);
    expectSound(tally);
    expect(tally.ok).toBe(READS);
    expect(staleServed).toBe(READS);
  });

  it('the seeded values really are distinct per secret (the wrong-value check can fail)', async () => {
    const manager = managerFor(sm);
    const values = await Promise.all(
      [0, 1].map((n) => manager.getSecret({ secretId: secretName(n), jsonKey: 'password' })),
    );
    expect(values).toEqual([passwordOf(0), passwordOf(1)]);
    const tally = await hammer(2, async (n) => passwordOf(n === 0 ? 0 : 9));
    expect(tally.wrong).toBe(1);
  });
});
