import { checkOptionsObject, raceAbort, readFlag, readSignal } from '../abort.js';
import { identityKeyPrefix } from '../cache/cache-key.js';
import { cacheStoreOf, type SecretCache } from '../cache/create-secret-cache.js';
import { resolveCacheOptions, type SecretCacheOptions } from '../cache/options.js';
import { createReadThrough, type ReadCounters, type ReadOptions } from '../cache/read-through.js';
import { type CachedPayload, type CacheStore, createCacheStore } from '../cache/store.js';
import { SecretRefConfigError, SecretRefError } from '../errors.js';
import { createEmitter, type SecretEvent } from '../events.js';
import { checkedListing, checkTestResult } from '../provider/answer.js';
import { listJsonKeys } from '../ref/json-key.js';
import type {
  CallOptions,
  ListSecretsOptions,
  SecretProvider,
  SecretRef,
  SecretSummary,
  TestConnectionOptions,
  TestConnectionResult,
} from '../types.js';
import { createRefReader, registerReader } from './read-refs.js';
import { readSecretBinary, readSecretValue, secretJson } from './read-value.js';
import { toRef } from './ref-input.js';
import type { SecretManager, SecretResult } from './types.js';

/**
 * Options of {@link createSecretManager}.
 * @example
 *   createSecretManager(provider, { cache: { ttlMs: 60_000 } });
 */
export interface SecretManagerOptions {
  /**
   * Cache options; `false` keeps no values (concurrent reads of one secret are still merged into one fetch);
   * a cache from `createSecretCache()` is shared with the other managers given it.
   * @default { ttlMs: 300_000, maxSize: 1_000, staleIfErrorMs: 900_000, jitter: 0.1 }
   */
  cache?: SecretCacheOptions | false | SecretCache;
  /**
   * Told what happens — `hit`, `miss`, `fetch`, `stale`, `refresh`, `changed`, `invalidated`, `error` — with secret
   * ids, tiers and timings, never a value; for metrics and logs. A handler that throws never breaks a read; without
   * one, nothing is built.
   * @default undefined
   */
  onEvent?: (event: SecretEvent) => void;
}

const OPTIONS = new Set(['cache', 'onEvent']);

/** The call options of a read: its signal and `refresh`, checked (`SecretRefConfigError` naming the option). */
function readOptions(options: unknown): ReadOptions {
  const signal = readSignal(options);
  return { signal, refresh: readFlag((options as { refresh?: unknown } | undefined)?.refresh, 'refresh') };
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function storeFor(cache: SecretManagerOptions['cache']): CacheStore {
  if (cache === false) return createCacheStore(undefined);
  return cacheStoreOf(cache) ?? createCacheStore(resolveCacheOptions((cache ?? {}) as SecretCacheOptions));
}

function checkProvider(provider: SecretProvider): void {
  if (provider === null || typeof provider !== 'object' || typeof provider.fetch !== 'function') {
    throw new SecretRefConfigError('provider', '`provider` must be a SecretProvider with a `fetch` method');
  }
  if (
    typeof provider.kind !== 'string' ||
    typeof provider.identity !== 'string' ||
    provider.identity === ''
  ) {
    throw new SecretRefConfigError(
      'provider',
      '`provider` must have a string `kind` and a non-empty string `identity`',
    );
  }
}

function unsupported(provider: SecretProvider, method: string): SecretRefError {
  return new SecretRefError('provider_error', `The ${provider.kind} provider does not support ${method}()`);
}

/**
 * Wraps a provider with the cache: TTL with jitter, an LRU bound, merged concurrent fetches, stale-if-error on
 * transient failures, batched reads, JSON parsed once per fetched value. The result shows no secret when logged.
 * @example
 *   const manager = createSecretManager(createMemoryProvider({ db: '{"password":"s3cret"}' }));
 *   await manager.getSecret('{{resolve:secretsmanager:db:SecretString:password}}'); // 's3cret'
 */
export function createSecretManager(
  provider: SecretProvider,
  options: SecretManagerOptions = {},
): SecretManager {
  checkProvider(provider);
  checkOptionsObject(options);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new SecretRefConfigError(
        key,
        `\`${key}\` is not an option of createSecretManager (expected \`cache\` or \`onEvent\`)`,
      );
    }
  }
  const store = storeFor(options.cache);
  const emit = createEmitter(options.onEvent);
  // The provider's scope in the shared tier (checked in tier-guard.ts); a promise when its identity is read
  // asynchronously.
  const shared = store.tier?.scopeOf(provider);
  const owner = {
    identity: provider.identity,
    scope: typeof shared === 'string' ? shared : undefined,
    onDrop: emit && ((secretId: string) => emit({ type: 'invalidated', secretId, source: 'bus' })),
  };
  // An identity read asynchronously (an injected client's region and endpoint): reads wait for it before the tier;
  // when it cannot be read, nothing is shared and the `error` event says so.
  const scopeReady =
    shared instanceof Promise
      ? shared.then(
          (scope) => {
            owner.scope = scope;
          },
          (error: unknown) => {
            emit?.({
              type: 'error',
              tier: 'shared',
              code: error instanceof SecretRefError ? error.code : 'invalid_config',
              message:
                error instanceof SecretRefError
                  ? error.message
                  : `The ${provider.kind} provider's shared identity could not be read; its secrets are not shared`,
            });
          },
        )
      : undefined;
  const counters: ReadCounters = {
    hits: 0,
    misses: 0,
    staleServed: 0,
    refreshErrors: 0,
    negativeHits: 0,
    sharedRejected: 0,
  };
  const readThrough = createReadThrough({
    provider,
    store,
    counters,
    owner,
    emit,
    scopeReady,
  });
  const readRefs = createRefReader(readThrough);
  /** Reads one secret and gives `use` its cached value; a fresh value is used in this turn (no await). */
  const readOne = async <R>(
    input: SecretRef | string,
    callOptions: CallOptions | undefined,
    use: (cached: CachedPayload, ref: SecretRef) => R,
  ): Promise<R> => {
    const read = readOptions(callOptions);
    const ref = toRef(input);
    const outcomes = readThrough([ref], read);
    const outcome = Array.isArray(outcomes) ? outcomes[0]! : (await outcomes)[0]!;
    if (!outcome.ok) throw outcome.error;
    return use(outcome.value, ref);
  };
  const ownPrefix = identityKeyPrefix(provider.identity);
  const summary = { provider: provider.kind, identity: provider.identity };

  const manager = {
    getSecret(input: SecretRef | string, callOptions?: CallOptions): Promise<string> {
      return readOne(input, callOptions, readSecretValue);
    },
    getSecretBinary(input: SecretRef | string, callOptions?: CallOptions): Promise<Uint8Array> {
      return readOne(input, callOptions, readSecretBinary);
    },
    async getSecrets(
      inputs: readonly (SecretRef | string)[],
      callOptions?: CallOptions,
    ): Promise<SecretResult[]> {
      return readRefs(inputs, readOptions(callOptions));
    },
    listJsonKeys(input: SecretRef | string, callOptions?: CallOptions): Promise<string[]> {
      return readOne(input, callOptions, (cached, ref) => listJsonKeys(secretJson(cached, ref)));
    },
    async testConnection(callOptions?: TestConnectionOptions): Promise<TestConnectionResult> {
      const signal = readSignal(callOptions);
      if (!provider.testConnection) throw unsupported(provider, 'testConnection');
      const started = Date.now();
      const attempt = (async () =>
        checkTestResult(await provider.testConnection!(callOptions ?? {}), provider, started))().catch(
        (error: unknown): TestConnectionResult => {
          if (error instanceof SecretRefError && error.code === 'aborted') throw error;
          return {
            ok: false,
            code: error instanceof SecretRefError ? error.code : 'provider_error',
            message:
              error instanceof SecretRefError
                ? error.message
                : `The ${provider.kind} provider failed the connection test`,
            latencyMs: Date.now() - started,
          };
        },
      );
      return raceAbort(attempt, signal);
    },
    listSecrets(listOptions?: ListSecretsOptions): AsyncIterable<SecretSummary> {
      readSignal(listOptions);
      if (!provider.listSecrets) throw unsupported(provider, 'listSecrets');
      return checkedListing(provider.listSecrets(listOptions ?? {}), provider);
    },
    invalidate(input?: SecretRef | string): void {
      const secretId = input === undefined ? undefined : toRef(input).secretId;
      store.invalidate({ identity: provider.identity, ...(secretId === undefined ? {} : { secretId }) });
      emit?.({ type: 'invalidated', ...(secretId === undefined ? {} : { secretId }), source: 'local' });
      const shareDrop = (): void => {
        if (owner.scope !== undefined) void store.tier?.invalidate(owner.scope, secretId);
      };
      if (scopeReady === undefined) shareDrop();
      else void scopeReady.then(shareDrop);
    },
    stats() {
      return {
        hits: counters.hits,
        misses: counters.misses,
        apiCalls: apiCallsOf(provider),
        staleServed: counters.staleServed,
        refreshErrors: counters.refreshErrors,
        negativeHits: counters.negativeHits,
        sharedRejected: counters.sharedRejected,
        size: store.count(ownPrefix),
      };
    },
    toJSON() {
      return { ...summary };
    },
    [INSPECT]() {
      return `SecretManager { provider: ${JSON.stringify(summary.provider)}, identity: ${JSON.stringify(summary.identity)} }`;
    },
  };
  const frozen: SecretManager = Object.freeze(manager);
  registerReader(frozen, createRefReader(readThrough, true));
  return frozen;
}

/** The provider's call count, or 0 when it keeps none (or answers with something that is not a count). */
function apiCallsOf(provider: SecretProvider): number {
  try {
    const calls: unknown = provider.apiCalls?.();
    return typeof calls === 'number' && Number.isFinite(calls) && calls >= 0 ? calls : 0;
  } catch {
    return 0;
  }
}
