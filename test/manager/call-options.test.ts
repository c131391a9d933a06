import { describe, expect, it } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import type { CallOptions } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

const fakeSignal = { aborted: false, addEventListener() {} };

function manager(): SecretManager {
  return createSecretManager(
    createMemoryProvider({ db: `{"password":"${CANARY}"}`, bin: new Uint8Array([1]) }),
  );
}

async function configError(call: () => unknown): Promise<SecretRefConfigError> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SecretRefConfigError);
  expectNoCanary(caught);
  return caught as SecretRefConfigError;
}

type Method = (m: SecretManager, options: CallOptions) => unknown;

const methods: [string, Method][] = [
  ['getSecret', (m, options) => m.getSecret('db:password', options)],
  ['getSecretBinary', (m, options) => m.getSecretBinary('bin', options)],
  ['getSecrets', (m, options) => m.getSecrets(['db:password'], options)],
  ['listJsonKeys', (m, options) => m.listJsonKeys('db', options)],
  ['testConnection', (m, options) => m.testConnection(options)],
  ['listSecrets', (m, options) => m.listSecrets(options)],
];

describe('SecretManager call options', () => {
  it.each(methods)('%s refuses options that are not an object, naming `options`', async (_name, call) => {
    for (const bad of [null, 5, 'signal', true]) {
      const error = await configError(() => call(manager(), bad as unknown as CallOptions));
      expect(error).toMatchObject({ code: 'invalid_config', option: 'options' });
      expect(error.message).toContain('`options`');
    }
  });

  it.each(methods)(
    '%s refuses a `signal` that is not an AbortSignal, naming `signal`',
    async (_name, call) => {
      for (const bad of [5, {}, fakeSignal, 'abort']) {
        const error = await configError(() => call(manager(), { signal: bad as unknown as AbortSignal }));
        expect(error).toMatchObject({ code: 'invalid_config', option: 'signal' });
        expect(error.message).toContain('`signal`');
      }
    },
  );

  it('refuses a bad `signal` on a cache hit as well as on a miss', async () => {
    const m = manager();
    await expect(m.getSecret('db:password')).resolves.toBe(CANARY);
    const error = await configError(() =>
      m.getSecret('db:password', { signal: 5 as unknown as AbortSignal }),
    );
    expect(error.option).toBe('signal');
    const batch = await configError(() =>
      m.getSecrets(['db'], { signal: fakeSignal as unknown as AbortSignal }),
    );
    expect(batch.option).toBe('signal');
  });

  it('still accepts no options, an empty object, an undefined signal and a real signal', async () => {
    const m = manager();
    await expect(m.getSecret('db:password')).resolves.toBe(CANARY);
    await expect(m.getSecret('db:password', {})).resolves.toBe(CANARY);
    await expect(m.getSecret('db:password', { signal: undefined })).resolves.toBe(CANARY);
    await expect(m.getSecret('db:password', { signal: new AbortController().signal })).resolves.toBe(CANARY);
  });

  it('getSecrets refuses inputs that are not an array, naming `refs`', async () => {
    for (const bad of ['db', null, undefined, 5, { 0: 'db', length: 1 }]) {
      const error = await configError(() => manager().getSecrets(bad as unknown as string[]));
      expect(error).toMatchObject({ code: 'invalid_config', option: 'refs' });
      expect(error.message).toContain('`refs`');
    }
  });
});
