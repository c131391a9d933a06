import { describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import type { SecretLocator, SecretProvider } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

/** A provider that counts its calls and answers with whatever the test gives it. */
function broken(answer: {
  fetch?: (locator: SecretLocator) => unknown;
  fetchMany?: (locators: readonly SecretLocator[]) => unknown;
}) {
  let calls = 0;
  const provider: SecretProvider = {
    kind: 'custom',
    identity: `custom:${Math.random()}`,
    fetch: async (locator) => {
      calls++;
      return (
        answer.fetch ? answer.fetch(locator) : { secretString: `value-of-${locator.secretId}` }
      ) as never;
    },
    ...(answer.fetchMany
      ? {
          fetchMany: async (locators: readonly SecretLocator[]) => {
            calls++;
            return answer.fetchMany!(locators) as never;
          },
        }
      : {}),
  };
  return { provider, calls: () => calls };
}

/** Settles within a second or fails the test: a hang is a failure, not a timeout of the whole suite. */
async function settlesSoon<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the read never settled')), 1_000);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const ids = ['a', 'b', 'c'];

describe('a provider that breaks its contract', () => {
  const badBatches: [string, (locators: readonly SecretLocator[]) => unknown][] = [
    ['null', () => null],
    ['undefined', () => undefined],
    ['[null]', () => [null]],
    ['a short array', (locators) => [{ ok: true, payload: { secretString: `v-${locators[0]!.secretId}` } }]],
    ['a string', () => 'oops'],
    ['results without ok', (locators) => locators.map(() => ({ payload: { secretString: CANARY } }))],
    ['ok results without a payload', (locators) => locators.map(() => ({ ok: true }))],
    [
      'a result whose getter throws',
      (locators) =>
        locators.map(() => ({
          get ok(): boolean {
            throw new Error(CANARY);
          },
        })),
    ],
  ];

  for (const [what, fetchMany] of badBatches) {
    it(`fetchMany resolving ${what}: every reader gets a value or a provider_error, nothing hangs, nothing is cached`, async () => {
      // Prepare
      const { provider, calls } = broken({ fetchMany });
      const manager = createSecretManager(provider);

      // Act
      const results = await settlesSoon(manager.getSecrets(ids));
      const again = await settlesSoon(manager.getSecrets(ids));

      // Assess
      for (const result of [...results, ...again]) {
        if (result.ok) expect(result.value).toMatch(/^v-/);
        else {
          expect(result.error).toBeInstanceOf(SecretRefError);
          expect(result.error.code).toBe('provider_error');
          expectNoCanary(result.error);
        }
      }
      expect(results.some((result) => !result.ok)).toBe(true);
      expect(calls()).toBe(2);
      // A later single read of a failed key settles too, and is fetched again
      await settlesSoon(manager.getSecret('c').catch((error: unknown) => error));
    });
  }

  const badPayloads: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', CANARY],
    ['an empty object', {}],
    ['secretBinary as a string', { secretBinary: CANARY }],
    ['secretString as a number', { secretString: 42 }],
    ['versionStages that are not strings', { secretString: CANARY, versionStages: [1] }],
    ['a name that is an object', { secretString: CANARY, name: { toString: () => CANARY } }],
  ];

  for (const [what, payload] of badPayloads) {
    it(`fetch resolving ${what} is a provider_error, never cached`, async () => {
      const { provider, calls } = broken({ fetch: () => payload });
      const manager = createSecretManager(provider);
      for (const read of [() => manager.getSecret('db'), () => manager.getSecretBinary('db')]) {
        const error = await settlesSoon(
          read().then(
            () => 'resolved',
            (caught: unknown) => caught,
          ),
        );
        expect(error).toBeInstanceOf(SecretRefError);
        expect(error).toMatchObject({ code: 'provider_error' });
        expect((error as Error).message).toMatch(/malformed answer for secret "db"/);
        expectNoCanary(error);
      }
      expect(calls()).toBe(2);
      expect(manager.stats().size).toBe(0);
    });
  }

  it('getSecretBinary of { secretBinary: "abc" } never comes back as a string', async () => {
    const { provider } = broken({ fetch: () => ({ secretBinary: 'abc' }) });
    const manager = createSecretManager(provider);
    await expect(manager.getSecretBinary('db')).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('a payload changed by the provider after it answered does not change the cached value', async () => {
    const answer = { secretString: 'first' };
    const { provider } = broken({ fetch: () => answer });
    const manager = createSecretManager(provider);
    expect(await manager.getSecret('db')).toBe('first');
    answer.secretString = 'changed';
    expect(await manager.getSecret('db')).toBe('first');
  });

  it('resolveConnection over a broken provider reports every reference, with no unhandled rejection', async () => {
    const { provider } = broken({ fetchMany: () => [null] });
    const manager = createSecretManager(provider);
    const error = await settlesSoon(
      resolveConnection(
        { a: '{{resolve:secretsmanager:a}}', b: '{{resolve:secretsmanager:b}}' },
        manager,
      ).catch((caught: unknown) => caught),
    );
    expect(error).toMatchObject({ code: 'resolution_failed' });
    expect((error as { issues: { code: string }[] }).issues.map((issue) => issue.code)).toEqual([
      'provider_error',
      'provider_error',
    ]);
  });

  it('listSecrets and testConnection answers of the wrong shape are typed errors', async () => {
    const provider: SecretProvider = {
      kind: 'custom',
      identity: 'custom:listing',
      fetch: async () => ({ secretString: 'x' }),
      listSecrets: () =>
        ({
          async *[Symbol.asyncIterator]() {
            yield { name: 1 };
          },
        }) as never,
      testConnection: async () => ({ hello: CANARY }) as never,
      apiCalls: () => Number.NaN,
    };
    const manager = createSecretManager(provider);
    const listing = (async () => {
      for await (const _ of manager.listSecrets()) {
      }
    })();
    await expect(listing).rejects.toMatchObject({ code: 'provider_error' });
    const result = await manager.testConnection();
    expect(result).toMatchObject({ ok: false, code: 'provider_error' });
    expectNoCanary(result);
    expect(manager.stats().apiCalls).toBe(0);
  });
});
