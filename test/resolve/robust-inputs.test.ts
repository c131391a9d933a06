import { describe, expect, it } from 'vitest';
import { SecretRefConfigError, SecretResolutionError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { limitedController, watchListenerWarnings } from '../support/listener-warnings.js';

const leakWarnings = watchListenerWarnings();

const REF = '{{resolve:secretsmanager:db:SecretString:password}}';

function memoryManager(): SecretManager {
  return createSecretManager(createMemoryProvider({ db: `{"password":"${CANARY}"}` }));
}

function managerReturning(result: unknown): SecretManager {
  return { getSecrets: async () => [result] } as unknown as SecretManager;
}

describe('resolveConnection: signal look-alikes', () => {
  it.each([
    ['an object with aborted and addEventListener', { aborted: false, addEventListener() {} }],
    [
      'an object with every EventTarget method',
      { aborted: false, addEventListener() {}, removeEventListener() {} },
    ],
    ['a number', 5],
  ])('rejects %s with a SecretRefConfigError naming `signal`, before fetching', async (_label, signal) => {
    const provider = createMemoryProvider({ db: `{"password":"${CANARY}"}` });
    const manager = createSecretManager(provider);
    const options = { signal: signal as unknown as AbortSignal };
    for (const resolve of [resolveConnection, resolveConnectionSettled]) {
      const error = await resolve({ a: REF }, manager, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SecretRefConfigError);
      expect(error).toMatchObject({ option: 'signal', code: 'invalid_config' });
      expectNoCanary(error);
    }
    expect(provider.apiCalls()).toBe(0);
  });

  it('resolves 50 uncached secrets with one signal and no MaxListenersExceededWarning', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `s${index}`);
    const manager = createSecretManager(
      createMemoryProvider(Object.fromEntries(ids.map((id) => [id, `v-${id}`])), { latencyMs: 2 }),
    );
    const resolved = await resolveConnection(
      ids.map((id) => `{{resolve:secretsmanager:${id}}}`),
      manager,
      { signal: limitedController().signal },
    );
    expect(resolved).toEqual(ids.map((id) => `v-${id}`));
    expect(await leakWarnings()).toEqual([]);
  });
});

describe('resolveConnection: results that throw when read', () => {
  const throwing = (property: 'ok' | 'value' | 'error') => {
    const result: Record<string, unknown> = { ok: property !== 'error' };
    Object.defineProperty(result, property, {
      enumerable: true,
      get() {
        throw new Error(`getter ${CANARY}`);
      },
    });
    return result;
  };

  it.each(['ok', 'value', 'error'] as const)(
    'turns a result whose `%s` getter throws into a provider_error issue',
    async (property) => {
      const manager = managerReturning(throwing(property));
      const error = await resolveConnection({ a: REF }, manager).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SecretResolutionError);
      expect((error as SecretResolutionError).issues).toEqual([
        expect.objectContaining({ path: ['a'], ref: REF, code: 'provider_error' }),
      ]);
      expectNoCanary(error);

      const settled = await resolveConnectionSettled({ a: REF }, manager);
      expect(settled.value).toEqual({ a: REF });
      expect(settled.issues.map((issue) => issue.code)).toEqual(['provider_error']);
      expectNoCanary(settled.issues);
    },
  );

  it('turns a throwing proxy result into a provider_error issue, keeping the other references', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error(CANARY);
        },
      },
    );
    const manager = {
      getSecrets: async (refs: readonly unknown[]) =>
        refs.map((_, index) => (index === 0 ? hostile : { ok: true, value: 'fine' })),
    } as unknown as SecretManager;
    const settled = await resolveConnectionSettled(
      { a: '{{resolve:secretsmanager:one}}', b: '{{resolve:secretsmanager:two}}' },
      manager,
    );
    expect(settled.value).toEqual({ a: '{{resolve:secretsmanager:one}}', b: 'fine' });
    expect(settled.issues).toEqual([expect.objectContaining({ path: ['a'], code: 'provider_error' })]);
    expectNoCanary(settled.issues);
  });

  it('still resolves normally through a real manager', async () => {
    await expect(resolveConnection({ a: REF }, memoryManager())).resolves.toEqual({ a: CANARY });
  });
});
