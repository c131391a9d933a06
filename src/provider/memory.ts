import { abortError, readSignal, throwIfAborted } from '../abort.js';
import { SecretFetchError, SecretRefConfigError, SecretRefError } from '../errors.js';
import type {
  CallOptions,
  FetchResult,
  ListSecretsOptions,
  SecretLocator,
  SecretProvider,
  SecretSummary,
  TestConnectionResult,
} from '../types.js';
import { findSecret, type MemorySecretInput, type StoredSecret, storeSecret } from './memory-secrets.js';

export type { MemorySecret, MemorySecretInput, MemorySecretVersion } from './memory-secrets.js';

/**
 * One backend call, as seen by the {@link MemoryProviderOptions.onCall} hook.
 * @example
 *   const onCall = (call: MemoryProviderCall) => void calls.push(call.operation);
 */
export interface MemoryProviderCall {
  operation: 'fetch' | 'fetchMany' | 'listSecrets' | 'testConnection';
  /** The locators asked for (fetch and fetchMany). */
  locators: readonly SecretLocator[];
}

/**
 * Options of {@link createMemoryProvider}.
 * @example
 *   createMemoryProvider({ db: 'x' }, { latencyMs: 20, onCall: () => { throw new SecretFetchError('throttled', 'Slow down') } });
 */
export interface MemoryProviderOptions {
  /**
   * Names this provider in cache keys; two providers with the same identity share cache entries. Given
   * explicitly, it also lets the provider share entries across processes in the Redis tier (`secret-refs/redis`):
   * every process whose memory provider has this identity reads what the others fetched.
   * @default `memory:<n>`, unique per provider (and never shared across processes)
   */
  identity?: string;
  /** Region written into the ARNs of the secrets. @default 'us-east-1' */
  region?: string;
  /** Delay before each call answers (honours fake timers and `signal`). @default 0 */
  latencyMs?: number;
  /**
   * Called before each backend call; throw (a `SecretFetchError`, say with code `throttled`) to make the call
   * fail, or return a promise to hold it. A failing `fetchMany` fails every item.
   */
  onCall?: (call: MemoryProviderCall) => void | Promise<void>;
  /** Page size of `listSecrets` when the caller gives none. @default 100 */
  pageSize?: number;
}

/**
 * A {@link SecretProvider} over a record of secrets held in memory, that tests can change.
 * @example
 *   const provider: MemoryProvider = createMemoryProvider({ db: 'one' });
 *   provider.setSecret('db', 'two');
 */
export interface MemoryProvider extends SecretProvider {
  fetchMany(locators: readonly SecretLocator[], options?: CallOptions): Promise<FetchResult[]>;
  listSecrets(options?: ListSecretsOptions): AsyncIterable<SecretSummary>;
  testConnection(options?: CallOptions): Promise<TestConnectionResult>;
  apiCalls(): number;
  /** Creates or replaces a secret. */
  setSecret(name: string, secret: MemorySecretInput): void;
  /** Removes a secret. */
  deleteSecret(name: string): void;
}

let instances = 0;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function checkPageSize(pageSize: number): void {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new SecretRefConfigError('pageSize', '`pageSize` must be a whole number, at least 1');
  }
}

function asError(error: unknown, operation: string): SecretRefError {
  if (error instanceof SecretRefError) return error;
  return new SecretFetchError('provider_error', `The memory provider failed in ${operation}`, {
    cause: error,
  });
}

/** Shared only under an identity the caller chose (a default `memory:<n>` means nothing in another process). */
function memorySharedIdentity(identity: string): NonNullable<SecretProvider['sharedIdentity']> {
  return (digest, scope) => {
    const named = scope === undefined ? '' : `|scope:${digest(`scope\0${scope}`)}`;
    return `memory|${digest(`identity\0${identity}`)}${named}`;
  };
}

/**
 * A complete {@link SecretProvider} over secrets held in memory: for tests, examples and your own tests.
 * Secrets are found by name or ARN, by stage or version id; each call counts in `apiCalls()`.
 * @example
 *   const provider = createMemoryProvider({ db: '{"password":"s3cret"}', cert: new Uint8Array([1, 2]) });
 *   const manager = createSecretManager(provider);
 */
export function createMemoryProvider(
  secrets: Record<string, MemorySecretInput> = {},
  options: MemoryProviderOptions = {},
): MemoryProvider {
  const { latencyMs = 0, pageSize: defaultPageSize = 100, onCall } = options;
  const region = options.region ?? 'us-east-1';
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new SecretRefConfigError(
      'latencyMs',
      '`latencyMs` must be a finite number of milliseconds, 0 or more',
    );
  }
  checkPageSize(defaultPageSize);
  instances++;
  const identity = options.identity ?? `memory:${instances}`;
  const byName = new Map<string, StoredSecret>();
  let calls = 0;

  const setSecret = (name: string, secret: MemorySecretInput): void => {
    byName.set(name, storeSecret(name, secret, region));
  };
  for (const [name, secret] of Object.entries(secrets)) setSecret(name, secret);

  /** Counts one backend call and runs its delay and `onCall`: the error the call fails with, if it does. */
  const call = async (
    operation: MemoryProviderCall['operation'],
    locators: readonly SecretLocator[],
    signal?: AbortSignal,
  ): Promise<SecretRefError | undefined> => {
    try {
      throwIfAborted(signal);
      calls++;
      if (latencyMs > 0) await sleep(latencyMs, signal);
      await onCall?.({ operation, locators });
      throwIfAborted(signal);
      return undefined;
    } catch (error) {
      // `onCall` is the user's hook: whatever it throws fails this call, as a typed error.
      return asError(error, operation);
    }
  };

  const provider: MemoryProvider = {
    kind: 'memory',
    identity,
    ...(options.identity === undefined ? {} : { sharedIdentity: memorySharedIdentity(options.identity) }),
    async fetch(locator, callOptions = {}) {
      const failure = await call('fetch', [locator], callOptions.signal);
      if (failure) throw failure;
      const found = findSecret(byName, locator);
      if (!found.ok) throw found.error;
      return found.payload;
    },
    async fetchMany(locators, callOptions = {}) {
      const failure = await call('fetchMany', locators, callOptions.signal);
      if (failure?.code === 'aborted') throw failure;
      if (failure) return locators.map(() => ({ ok: false as const, error: failure }));
      return locators.map((locator) => findSecret(byName, locator));
    },
    async *listSecrets(listOptions) {
      const signal = readSignal(listOptions);
      const { prefix = '', pageSize = defaultPageSize } = listOptions ?? {};
      checkPageSize(pageSize);
      const names = [...byName.keys()].filter((name) => name.startsWith(prefix)).sort();
      let offset = 0;
      do {
        const failure = await call('listSecrets', [], signal);
        if (failure) throw failure;
        for (const name of names.slice(offset, offset + pageSize)) {
          const secret = byName.get(name);
          if (!secret) continue;
          const summary: SecretSummary = { name: secret.name, arn: secret.arn };
          if (secret.description !== undefined) summary.description = secret.description;
          if (secret.tags !== undefined) summary.tags = { ...secret.tags };
          yield summary;
        }
        offset += pageSize;
      } while (offset < names.length);
    },
    async testConnection(callOptions = {}) {
      const started = Date.now();
      const failure = await call('testConnection', [], callOptions.signal);
      if (failure?.code === 'aborted') throw failure;
      if (failure) {
        return { ok: false, code: failure.code, message: failure.message, latencyMs: Date.now() - started };
      }
      return { ok: true, latencyMs: Date.now() - started, region, endpoint: 'memory' };
    },
    apiCalls: () => calls,
    setSecret,
    deleteSecret(name) {
      byName.delete(name);
    },
  };
  return provider;
}
