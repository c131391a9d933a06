import { expect } from 'vitest';
import { SecretRefError, type SecretRefErrorCode } from '../../src/errors.js';
import {
  type AwsSecretsManagerConfig,
  createAwsSecretsManager,
} from '../../src/manager/create-aws-secrets-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import type { LocalSecretsManager, SeedSecret } from '../../src/testing/index.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

/**
 * Secrets seeded for the reliability runs; each holds the canary, so a leaked value is always caught. As many as
 * the reads of a run, so that concurrent reads of one secret (which the manager merges) do not hide requests.
 */
export const SECRET_COUNT = 200;

/** The name of seeded secret `n`. */
export const secretName = (n: number): string => `reliability/db-${n}`;

/** The password seeded in secret `n`: the canary with a suffix, distinct per secret. */
export const passwordOf = (n: number): string => `${CANARY}-${n}`;

/** The seeds: `{ user, password }` JSON secrets. */
export function seeds(): SeedSecret[] {
  return Array.from({ length: SECRET_COUNT }, (_, n) => ({
    name: secretName(n),
    secretString: JSON.stringify({ user: `user-${n}`, password: passwordOf(n) }),
  }));
}

/** A manager aimed at the local endpoint; no cache unless `overrides.cache` says so. */
export function managerFor(
  sm: LocalSecretsManager,
  overrides: Partial<AwsSecretsManagerConfig> = {},
): SecretManager {
  return createAwsSecretsManager({
    endpoint: sm.endpoint,
    region: sm.region,
    accessKeyId: sm.credentials.accessKeyId,
    secretAccessKey: sm.credentials.secretAccessKey,
    cache: false,
    ...overrides,
  });
}

/** What a run of reads gave: correct values, wrong values (must stay 0) and failures by code. */
export interface Tally {
  total: number;
  ok: number;
  wrong: number;
  failures: SecretRefError[];
  /** Rejections that were not a `SecretRefError` (must stay empty). */
  untyped: unknown[];
}

/**
 * Runs `reads` reads, `concurrency` at a time (all at once by default; read `i` asks for the password of secret
 * `i mod SECRET_COUNT`) and tallies them. Every failure is checked for the canary.
 */
export async function hammer(
  reads: number,
  read: (n: number) => Promise<string>,
  concurrency = reads,
): Promise<Tally> {
  const tally: Tally = { total: reads, ok: 0, wrong: 0, failures: [], untyped: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < reads) {
      const n = next++ % SECRET_COUNT;
      try {
        const value = await read(n);
        if (value === passwordOf(n)) tally.ok++;
        else tally.wrong++;
      } catch (error) {
        expectNoCanary(error);
        if (error instanceof SecretRefError) tally.failures.push(error);
        else tally.untyped.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, reads) }, worker));
  return tally;
}

/** Failure counts by code, e.g. `{ throttled: 3 }`. */
export function codes(tally: Tally): Partial<Record<SecretRefErrorCode, number>> {
  const counts: Partial<Record<SecretRefErrorCode, number>> = {};
  for (const error of tally.failures) counts[error.code] = (counts[error.code] ?? 0) + 1;
  return counts;
}

/** Prints the scenario's one-line figure, e.g. `reliability: throttle burst: 200/200 ok, 0 wrong`. */
export function printFigure(scenario: string, tally: Tally, extra = ''): void {
  const failed = Object.entries(codes(tally))
    .map(([code, count]) => `${count} ${code}`)
    .join(', ');
  console.log(
    `reliability: ${scenario}: ${tally.ok}/${tally.total} ok, ${tally.wrong} wrong${failed === '' ? '' : `, failed: ${failed}`}${extra === '' ? '' : `, ${extra}`}`,
  );
}

/** Asserts what every run must show: no wrong value, no untyped rejection, and only the expected codes. */
export function expectSound(tally: Tally, allowed: readonly SecretRefErrorCode[] = []): void {
  expect(tally.wrong).toBe(0);
  expect(tally.untyped).toEqual([]);
  expect(tally.ok + tally.failures.length).toBe(tally.total);
  for (const error of tally.failures) expect(allowed).toContain(error.code);
}
