import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import type { LocalSecretsManager, SeedParameter } from '../../src/testing/index.js';
import type { FetchResult, ParameterService, SecretLocator, SecretProvider } from '../../src/types.js';
import { CANARY, errorTextWithoutFrames, expectNoCanary } from './canary.js';
import { describeCommonContract, failure } from './provider-contract.js';

/** One version of a fixture parameter, with the labels it holds. */
export interface ContractParameterVersion {
  value: string;
  labels?: readonly string[];
}

/** A fixture parameter; versions are listed oldest first (version 1 first), as successive `PutParameter`s make them. */
export interface ContractParameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  versions: readonly ContractParameterVersion[];
}

/** Parameters read together by the batch test: more than two calls' worth of names. */
const BATCH = Array.from({ length: 25 }, (_, index) => `/contract/batch/p${String(index).padStart(2, '0')}`);

/**
 * The parameters every Parameter Store provider under test must hold. The SecureString carries {@link CANARY};
 * `/contract/rotated` has two versions, the first labelled `previous`, the second `current`.
 */
export const PARAMETER_CONTRACT_FIXTURE: readonly ContractParameter[] = [
  { name: '/contract/plain', type: 'String', versions: [{ value: 'plain-value' }] },
  { name: '/contract/list', type: 'StringList', versions: [{ value: 'a.example,b.example,c.example' }] },
  {
    name: '/contract/secure',
    type: 'SecureString',
    versions: [{ value: JSON.stringify({ username: 'app', password: CANARY }) }],
  },
  {
    name: '/contract/rotated',
    type: 'String',
    versions: [
      { value: 'old-value', labels: ['previous'] },
      { value: 'new-value', labels: ['current'] },
    ],
  },
  ...BATCH.map(
    (name, index): ContractParameter => ({ name, type: 'String', versions: [{ value: `v${index}` }] }),
  ),
];

/** The fixture as the local endpoint's seed: one entry per version, oldest first. */
export function parameterSeed(fixture: readonly ContractParameter[]): SeedParameter[] {
  return fixture.flatMap((parameter) =>
    parameter.versions.map((version) => ({
      name: parameter.name,
      type: parameter.type,
      value: version.value,
      ...(version.labels === undefined ? {} : { labels: [...version.labels] }),
    })),
  );
}

/** The local endpoint's hooks for the suite: what each GetParameters call asked for, and refusing reads. */
export function endpointHooks(
  endpoint: LocalSecretsManager,
): Pick<ParameterContractSetup, 'callNames' | 'deny'> {
  return {
    callNames: () =>
      endpoint.requests
        .filter((request) => request.service === 'ssm' && request.action === 'GetParameters')
        .map((request) => request.secretIds),
    deny: () => {
      endpoint.denyActions(['GetParameters']);
      return () => endpoint.denyActions([]);
    },
  };
}

/** What a Parameter Store provider's `setup` returns. */
export interface ParameterContractSetup {
  /** A provider holding {@link PARAMETER_CONTRACT_FIXTURE}. */
  provider: SecretProvider;
  /** The names each `GetParameters` call asked for so far, in order, when the backend can tell. */
  callNames?: () => readonly (readonly string[])[];
  /** Denies every Parameter Store read until the returned function is called, when the backend can. */
  deny?: () => () => void;
  teardown?: () => Promise<void> | void;
}

const value = (result: FetchResult | undefined): string | undefined =>
  result?.ok ? result.payload.secretString : `error:${result?.error.code}`;

function expectNotFound(error: unknown): void {
  expect(error).toBeInstanceOf(SecretRefError);
  expect((error as SecretRefError).code).toBe('secret_not_found');
  expect((error as { transient?: boolean }).transient).not.toBe(true);
  expectNoCanary(error);
}

/**
 * The suite every provider that serves Parameter Store references (`ssm`, `ssm-secure`) must pass: values by
 * type, versions and labels, not found per reference, SecureStrings through `ssm-secure` only, batches of at most
 * ten names, and never a value in an error.
 * @example
 *   testParameterProvider('aws (local endpoint)', async (fixture) => ({ provider: await providerOver(fixture) }));
 */
export function testParameterProvider(
  name: string,
  setup: (fixture: readonly ContractParameter[]) => Promise<ParameterContractSetup> | ParameterContractSetup,
): void {
  describe(`SecretProvider contract (Parameter Store): ${name}`, () => {
    let ready: ParameterContractSetup;
    const provider = (): SecretProvider => ready.provider;
    const ssm = (secretId: string, more: Partial<SecretLocator> = {}): SecretLocator => ({
      secretId,
      service: 'ssm',
      ...more,
    });
    const secure = (secretId: string, more: Partial<SecretLocator> = {}): SecretLocator => ({
      secretId,
      service: 'ssm-secure',
      ...more,
    });

    beforeAll(async () => {
      ready = await setup(PARAMETER_CONTRACT_FIXTURE);
    });

    afterAll(async () => {
      await ready?.teardown?.();
    });

    describeCommonContract(provider, ssm('/contract/plain'));

    it('says it serves ssm and ssm-secure references', () => {
      expect(provider().services).toEqual(expect.arrayContaining<ParameterService>(['ssm', 'ssm-secure']));
    });

    it('fetches a String as text with its version number, with and without decryption', async () => {
      for (const service of ['ssm', 'ssm-secure'] as const) {
        const payload = await provider().fetch({ secretId: '/contract/plain', service });
        expect(payload.secretString).toBe('plain-value');
        expect(payload.secretBinary).toBeUndefined();
        expect(payload.versionId).toBe('1');
      }
    });

    it('fetches a StringList as its text', async () => {
      const payload = await provider().fetch(ssm('/contract/list'));
      expect(payload.secretString).toBe('a.example,b.example,c.example');
    });

    it('decrypts a SecureString for ssm-secure only; ssm is refused without its ciphertext', async () => {
      const payload = await provider().fetch(secure('/contract/secure'));
      expect(JSON.parse(payload.secretString ?? '')).toEqual({ username: 'app', password: CANARY });
      const error = await failure(provider().fetch(ssm('/contract/secure')));
      expect(error).toBeInstanceOf(SecretRefError);
      expect((error as SecretRefError).code).not.toBe('secret_not_found');
      expect((error as Error).message).toContain('ssm-secure');
      expectNoCanary(error);
      // Whatever the ciphertext looks like, no long opaque run of it is in the error.
      expect(errorTextWithoutFrames(error)).not.toMatch(/[A-Za-z0-9+/=]{40,}/);
    });

    it('fetches by the ARN it reports', async (context) => {
      const payload = await provider().fetch(ssm('/contract/plain'));
      if (payload.arn === undefined) {
        context.skip('this provider reports no ARN');
        return;
      }
      expect((await provider().fetch(ssm(payload.arn))).secretString).toBe('plain-value');
    });

    it('fetches by version number and by label; no selector is the latest version', async () => {
      const pinned = await provider().fetch(ssm('/contract/rotated', { versionId: '1' }));
      expect(pinned).toMatchObject({ secretString: 'old-value', versionId: '1' });
      const previous = await provider().fetch(ssm('/contract/rotated', { versionStage: 'previous' }));
      expect(previous).toMatchObject({ secretString: 'old-value', versionId: '1' });
      const current = await provider().fetch(secure('/contract/rotated', { versionStage: 'current' }));
      expect(current).toMatchObject({ secretString: 'new-value', versionId: '2' });
      const latest = await provider().fetch(ssm('/contract/rotated'));
      expect(latest).toMatchObject({ secretString: 'new-value', versionId: '2' });
    });

    it('fails with secret_not_found for a missing name, version or label, with either service', async () => {
      for (const locator of [
        ssm('/contract/absent'),
        secure('/contract/absent'),
        ssm('/contract/rotated', { versionId: '9' }),
        secure('/contract/secure', { versionId: '9' }),
        ssm('/contract/rotated', { versionStage: 'nolabel' }),
        secure('/contract/secure', { versionStage: 'nolabel' }),
      ]) {
        expectNotFound(await failure(provider().fetch(locator)));
      }
    });

    it('fetchMany answers every locator in order: a missing one fails alone, the others are served', async (context) => {
      if (!provider().fetchMany) {
        context.skip('this provider has no fetchMany');
        return;
      }
      const results = await provider().fetchMany!([
        secure('/contract/secure'),
        ssm('/contract/absent'),
        ssm('/contract/plain'),
        ssm('/contract/rotated', { versionStage: 'previous' }),
        secure('/contract/rotated', { versionId: '9' }),
        ssm('/contract/list'),
        ssm('/contract/plain'),
        ssm('/contract/secure'),
      ]);
      expect(results.map(value)).toEqual([
        JSON.stringify({ username: 'app', password: CANARY }),
        'error:secret_not_found',
        'plain-value',
        'old-value',
        'error:secret_not_found',
        'a.example,b.example,c.example',
        'plain-value',
        expect.stringMatching(/^error:/),
      ]);
      for (const result of results) if (!result.ok) expectNoCanary(result.error);
    });

    it('asks for at most ten names a call, ssm and ssm-secure in separate calls', async (context) => {
      if (!provider().fetchMany) {
        context.skip('this provider has no fetchMany');
        return;
      }
      const callsBefore = provider().apiCalls?.();
      const seenBefore = ready.callNames?.().length ?? 0;
      const results = await provider().fetchMany!([
        ...BATCH.map((name) => ssm(name)),
        secure('/contract/secure'),
      ]);
      expect(results.map(value)).toEqual([
        ...BATCH.map((_, index) => `v${index}`),
        JSON.stringify({ username: 'app', password: CANARY }),
      ]);
      // 25 names without decryption: 3 calls; the one with decryption: 1 more.
      if (callsBefore !== undefined) expect(provider().apiCalls?.()).toBe(callsBefore + 4);
      const calls = ready.callNames?.().slice(seenBefore);
      if (calls === undefined) return;
      expect(calls).toHaveLength(4);
      for (const names of calls) expect(names.length).toBeLessThanOrEqual(10);
      expect(calls.flat().sort()).toEqual([...BATCH, '/contract/secure'].sort());
      expect(calls.find((names) => names.includes('/contract/secure'))).toEqual(['/contract/secure']);
    });

    it('a refused read names no value, and fails every locator it carried', async (context) => {
      if (!ready.deny || !provider().fetchMany) {
        context.skip('the backend cannot refuse reads');
        return;
      }
      const allow = ready.deny();
      try {
        const results = await provider().fetchMany!([secure('/contract/secure'), ssm('/contract/plain')]);
        for (const result of results) {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.error.code).toBe('access_denied');
            expectNoCanary(result.error);
          }
        }
      } finally {
        allow();
      }
    });
  });
}
