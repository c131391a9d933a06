import { beforeEach, describe, expect, it } from 'vitest';
import type { SecretRefErrorCode } from '../../src/errors.js';
import { SecretResolutionError } from '../../src/errors.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { Fault, LocalSecretsManager } from '../../src/testing/index.js';
import { expectNoCanary } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { codes, expectSound, hammer, managerFor, printFigure, secretName, seeds } from './hammer.js';

const READS = 20;

let sm: LocalSecretsManager;

const endpoint = useLocalEndpoint({ secrets: seeds() });

beforeEach(() => {
  sm = endpoint();
});

describe('faults that outlast the retries fail with the right code and no value in the error', () => {
  const cases: { scenario: string; fault: Fault; code: SecretRefErrorCode; transient: boolean }[] = [
    { scenario: 'endless throttling', fault: { kind: 'throttle' }, code: 'throttled', transient: true },
    { scenario: 'endless HTTP 500', fault: { kind: 'http500' }, code: 'provider_error', transient: true },
    { scenario: 'every connection dropped', fault: { kind: 'drop' }, code: 'network', transient: true },
    {
      scenario: 'every answer too slow',
      fault: { kind: 'delay', ms: 5_000 },
      code: 'timeout',
      transient: true,
    },
    { scenario: 'access denied', fault: { kind: 'accessDenied' }, code: 'access_denied', transient: false },
  ];

  for (const { scenario, fault, code, transient } of cases) {
    it(`${scenario}: ${READS}/${READS} fail with ${code}`, async () => {
      // Prepare
      const manager = managerFor(sm, { maxAttempts: 2, requestTimeoutMs: 300 });
      sm.injectFault({ ...fault, times: Number.POSITIVE_INFINITY });

      // Act
      const tally = await hammer(READS, (n) =>
        manager.getSecret({ secretId: secretName(n), jsonKey: 'password' }),
      );

      // Assess
      printFigure(scenario, tally);
      expectSound(tally, [code]);
      expect(codes(tally)).toEqual({ [code]: READS });
      for (const error of tally.failures) {
        expect(error).toMatchObject({ transient, ref: expect.stringContaining('reliability/db-') });
        if (code !== 'network') expect(error.message).toContain('reliability/db-');
      }
    });
  }

  it('a resolveConnection over failing secrets lists every reference with its code, and leaks nothing', async () => {
    // Prepare
    const manager = managerFor(sm, { maxAttempts: 1 });
    sm.injectFault({ kind: 'http500', times: Number.POSITIVE_INFINITY });
    const connection = {
      host: 'db.internal',
      auth: Array.from(
        { length: 5 },
        (_, n) => `{{resolve:secretsmanager:${secretName(n)}:SecretString:password}}`,
      ),
      missing: '{{resolve:secretsmanager:reliability/absent:SecretString:password}}',
    };

    // Act
    const error = await resolveConnection(connection, manager).catch((caught: unknown) => caught);

    // Assess
    expectNoCanary(error);
    expect(error).toBeInstanceOf(SecretResolutionError);
    const { issues } = error as SecretResolutionError;
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      [['auth', 0], 'provider_error'],
      [['auth', 1], 'provider_error'],
      [['auth', 2], 'provider_error'],
      [['auth', 3], 'provider_error'],
      [['auth', 4], 'provider_error'],
      [['missing'], 'provider_error'],
    ]);
    console.log(`reliability: resolveConnection under endless HTTP 500: 0/6 ok, 6 issues listed, 0 wrong`);
  });

  it('a missing secret and a missing key fail with their codes, and the manager serves the rest', async () => {
    const manager = managerFor(sm);
    const results = await manager.getSecrets([
      { secretId: secretName(0), jsonKey: 'password' },
      { secretId: 'reliability/absent' },
      { secretId: secretName(1), jsonKey: 'nope' },
    ]);
    for (const result of results) if (!result.ok) expectNoCanary(result.error);
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'ok',
      'secret_not_found',
      'json_key_not_found',
    ]);
  });
});
