import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import type { SecretLocator, SecretProvider, SecretSummary } from '../../src/types.js';
import { CANARY, expectNoCanary } from './canary.js';

/** One version of a fixture secret. */
export interface ContractVersion {
  value: string | Uint8Array;
  versionId: string;
  stages: readonly string[];
}

/** A fixture secret; versions are listed oldest first, as `CreateSecret` then `PutSecretValue` would make them. */
export interface ContractSecret {
  name: string;
  versions: readonly ContractVersion[];
}

const PREVIOUS_VERSION = '6b0e2c4a-1f3d-4c55-9a7e-000000000001';
const CURRENT_VERSION = '6b0e2c4a-1f3d-4c55-9a7e-000000000002';

/** Prefix of the secrets listed by the `listSecrets` test; one decoy shares part of it. */
export const CONTRACT_LIST_PREFIX = 'contract-list/';

/**
 * The secrets every provider under test must hold. The JSON secret carries {@link CANARY}; the rotated one
 * has an `AWSPREVIOUS` and an `AWSCURRENT` version, as a create followed by one put leaves it.
 */
export const CONTRACT_FIXTURE: readonly ContractSecret[] = [
  {
    name: 'contract/plain',
    versions: [
      { value: 'plain-value', versionId: '6b0e2c4a-1f3d-4c55-9a7e-0000000000a1', stages: ['AWSCURRENT'] },
    ],
  },
  {
    name: 'contract/json',
    versions: [
      {
        value: JSON.stringify({ username: 'app', password: CANARY }),
        versionId: '6b0e2c4a-1f3d-4c55-9a7e-0000000000b1',
        stages: ['AWSCURRENT'],
      },
    ],
  },
  {
    name: 'contract/binary',
    versions: [
      {
        value: new Uint8Array([0, 1, 2, 253, 254, 255]),
        versionId: '6b0e2c4a-1f3d-4c55-9a7e-0000000000c1',
        stages: ['AWSCURRENT'],
      },
    ],
  },
  {
    name: 'contract/rotated',
    versions: [
      { value: 'old-value', versionId: PREVIOUS_VERSION, stages: ['AWSPREVIOUS'] },
      { value: 'new-value', versionId: CURRENT_VERSION, stages: ['AWSCURRENT'] },
    ],
  },
  ...['a', 'b', 'c', 'd', 'e'].map(
    (letter, index): ContractSecret => ({
      name: `${CONTRACT_LIST_PREFIX}${letter}`,
      versions: [
        {
          value: `list-${letter}`,
          versionId: `6b0e2c4a-1f3d-4c55-9a7e-0000000001${index}0`,
          stages: ['AWSCURRENT'],
        },
      ],
    }),
  ),
  {
    name: 'contract-listing-decoy',
    versions: [{ value: 'decoy', versionId: '6b0e2c4a-1f3d-4c55-9a7e-0000000002a0', stages: ['AWSCURRENT'] }],
  },
];

/** What a provider's `setup` returns: a provider holding {@link CONTRACT_FIXTURE}, and how to clean up. */
export interface ContractSetup {
  provider: SecretProvider;
  teardown?: () => Promise<void> | void;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function collect(iterable: AsyncIterable<SecretSummary>): Promise<SecretSummary[]> {
  const out: SecretSummary[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * The suite every {@link SecretProvider} must pass. `setup` gets the fixture, seeds its backend with it however
 * it likes, and returns a provider over it.
 * @example
 *   testProvider('memory', async (fixture) => ({ provider: createMemoryProvider(toMemorySecrets(fixture)) }));
 */
export function testProvider(
  name: string,
  setup: (fixture: readonly ContractSecret[]) => Promise<ContractSetup> | ContractSetup,
): void {
  describe(`SecretProvider contract: ${name}`, () => {
    let provider: SecretProvider;
    let teardown: ContractSetup['teardown'];

    beforeAll(async () => {
      const ready = await setup(CONTRACT_FIXTURE);
      provider = ready.provider;
      teardown = ready.teardown;
    });

    afterAll(async () => {
      await teardown?.();
    });

    describeCommonContract(() => provider, { secretId: 'contract/plain' });

    it('fetches the current string value', async () => {
      const payload = await provider.fetch({ secretId: 'contract/plain' });
      expect(payload.secretString).toBe('plain-value');
      expect(payload.secretBinary).toBeUndefined();
    });

    it('fetches a binary value as bytes', async () => {
      const payload = await provider.fetch({ secretId: 'contract/binary' });
      expect(payload.secretString).toBeUndefined();
      expect(payload.secretBinary).toBeInstanceOf(Uint8Array);
      expect([...(payload.secretBinary ?? [])]).toEqual([0, 1, 2, 253, 254, 255]);
    });

    it('fetches by the ARN it reports', async (context) => {
      const payload = await provider.fetch({ secretId: 'contract/plain' });
      if (payload.arn === undefined) {
        context.skip('this provider reports no ARN');
        return;
      }
      const byArn = await provider.fetch({ secretId: payload.arn });
      expect(byArn.secretString).toBe('plain-value');
    });

    it('fetches by stage and by version id', async () => {
      const previous = await provider.fetch({ secretId: 'contract/rotated', versionStage: 'AWSPREVIOUS' });
      expect(previous.secretString).toBe('old-value');
      const current = await provider.fetch({ secretId: 'contract/rotated', versionStage: 'AWSCURRENT' });
      expect(current.secretString).toBe('new-value');
      const pinned = await provider.fetch({ secretId: 'contract/rotated', versionId: PREVIOUS_VERSION });
      expect(pinned.secretString).toBe('old-value');
      expect(pinned.versionId).toBe(PREVIOUS_VERSION);
      const latest = await provider.fetch({ secretId: 'contract/rotated' });
      expect(latest.secretString).toBe('new-value');
      expect(latest.versionId).toBe(CURRENT_VERSION);
    });

    it('fails with secret_not_found for a missing secret, stage or version', async () => {
      const missing = [
        { secretId: 'contract/absent' },
        { secretId: 'contract/json', versionStage: 'NO_SUCH_STAGE' },
        { secretId: 'contract/json', versionId: '6b0e2c4a-1f3d-4c55-9a7e-00000000ffff' },
      ];
      for (const locator of missing) {
        const error = await failure(provider.fetch(locator));
        expect(error).toBeInstanceOf(SecretRefError);
        expect((error as SecretRefError).code).toBe('secret_not_found');
        expect((error as { transient?: boolean }).transient).not.toBe(true);
        expectNoCanary(error);
      }
    });

    it('fetchMany answers every locator in order, with per-item errors', async (context) => {
      if (!provider.fetchMany) {
        context.skip('this provider has no fetchMany');
        return;
      }
      const results = await provider.fetchMany([
        { secretId: 'contract/json' },
        { secretId: 'contract/absent' },
        { secretId: 'contract/plain' },
        { secretId: 'contract/rotated' },
      ]);
      expect(results).toHaveLength(4);
      const [json, absent, plain, rotated] = results;
      expect(json?.ok && JSON.parse(json.payload.secretString ?? '')).toEqual({
        username: 'app',
        password: CANARY,
      });
      expect(absent?.ok).toBe(false);
      if (absent && !absent.ok) {
        expect(absent.error.code).toBe('secret_not_found');
        expectNoCanary(absent.error);
      }
      expect(plain?.ok && plain.payload.secretString).toBe('plain-value');
      expect(rotated?.ok && rotated.payload.secretString).toBe('new-value');
    });

    it('lists secrets under a prefix, every page, without values', async (context) => {
      if (!provider.listSecrets) {
        context.skip('this provider has no listSecrets');
        return;
      }
      const before = provider.apiCalls?.();
      const listed = await collect(provider.listSecrets({ prefix: CONTRACT_LIST_PREFIX, pageSize: 2 }));
      expect(listed.map((item) => item.name).sort()).toEqual(
        ['a', 'b', 'c', 'd', 'e'].map((letter) => `${CONTRACT_LIST_PREFIX}${letter}`),
      );
      if (before !== undefined) expect(provider.apiCalls?.()).toBeGreaterThanOrEqual(before + 3);
      expectNoCanary(listed);
      expect(JSON.stringify(listed)).not.toContain('list-a');
    });

    it('lists every fixture secret when no prefix is given', async (context) => {
      if (!provider.listSecrets) {
        context.skip('this provider has no listSecrets');
        return;
      }
      const listed = await collect(provider.listSecrets({ pageSize: 3 }));
      const names = new Set(listed.map((item) => item.name));
      for (const secret of CONTRACT_FIXTURE) expect(names.has(secret.name)).toBe(true);
      expectNoCanary(listed);
    });

    it('passes testConnection', async (context) => {
      if (!provider.testConnection) {
        context.skip('this provider has no testConnection');
        return;
      }
      const result = await provider.testConnection();
      expect(result).toMatchObject({ ok: true });
      expect(result?.latencyMs).toBeGreaterThanOrEqual(0);
    });
  });
}

/**
 * What every provider must do whatever its service, with `probe` a locator the backend holds: a stable identity
 * that holds no secret, one backend call per fetch, an `AbortError` for an aborted fetch. Call it inside a
 * `describe` whose `beforeAll` sets the provider up.
 */
export function describeCommonContract(get: () => SecretProvider, probe: SecretLocator): void {
  it('names itself with a stable identity that holds no secret', () => {
    expect(typeof get().kind).toBe('string');
    expect(get().kind).not.toBe('');
    expect(typeof get().identity).toBe('string');
    expect(get().identity).not.toBe('');
    expect(get().identity).toBe(get().identity);
    expectNoCanary(get().identity);
    expectNoCanary(get());
  });

  it('counts its backend calls', async () => {
    const before = get().apiCalls?.();
    await get().fetch(probe);
    if (before !== undefined) expect(get().apiCalls?.()).toBe(before + 1);
    else expect(get().apiCalls).toBeUndefined();
  });

  it('rejects an aborted fetch with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(get().fetch(probe, { signal: controller.signal }));
    expect((error as Error).name === 'AbortError' || (error as SecretRefError).code === 'aborted').toBe(true);
  });
}
