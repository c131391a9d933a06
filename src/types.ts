import type { SecretRefError, SecretRefErrorCode } from './errors.js';

/**
 * A parsed secret reference: plain data, safe to log (it holds no secret).
 * @example
 *   const ref: SecretRef = { secretId: 'prod/db', jsonKey: 'password' };
 *   formatSecretRef(ref); // '{{resolve:secretsmanager:prod/db:SecretString:password}}'
 */
export interface SecretRef {
  /** Secret name, partial ARN or full ARN. */
  secretId: string;
  /** JSON key (or nested path) to read from a JSON secret string. */
  jsonKey?: string;
  /** Staging label such as `AWSCURRENT` or `AWSPREVIOUS`. Exclusive with `versionId`. */
  versionStage?: string;
  /** Version id (a UUID on AWS). Exclusive with `versionStage`. */
  versionId?: string;
  /** Id of the manager that serves this reference (an Activepieces connection id). */
  manager?: string;
  /**
   * `'ssm'` or `'ssm-secure'` for a Parameter Store reference (then `secretId` is the parameter name or ARN,
   * `versionId` its version number, `versionStage` its label, and there is no `jsonKey`); absent for Secrets Manager.
   */
  service?: ParameterService;
}

/**
 * The Parameter Store services of a reference: `ssm` reads without decryption (a SecureString is refused),
 * `ssm-secure` with decryption.
 * @example
 *   const service: ParameterService = parseSecretRef('{{resolve:ssm:/app/url}}').service ?? 'ssm';
 */
export type ParameterService = 'ssm' | 'ssm-secure';

/**
 * A service a reference names: `secretsmanager` for a reference without `service`, else its `service`.
 * @example
 *   const services: readonly ReferenceService[] = ['secretsmanager', 'ssm', 'ssm-secure'];
 */
export type ReferenceService = 'secretsmanager' | ParameterService;

/**
 * The text styles `formatSecretRef` writes.
 * @example
 *   const style: SecretRefStyle = 'ecs';
 *   formatSecretRef({ secretId: 'prod/db', jsonKey: 'password' }, { style }); // 'prod/db:password::'
 */
export type SecretRefStyle = 'cloudformation' | 'ecs' | 'activepieces';

/**
 * Which secret, and which version of it: what a provider fetches (JSON keys are applied above the provider).
 * @example
 *   const locator: SecretLocator = { secretId: 'prod/db', versionStage: 'AWSPREVIOUS' };
 *   const payload = await provider.fetch(locator);
 */
export interface SecretLocator {
  /** Secret name, partial ARN or full ARN (for Parameter Store: the parameter name or ARN). */
  secretId: string;
  /** Staging label; none means the current version (for Parameter Store: the label). */
  versionStage?: string;
  /** Version id (for Parameter Store: the version number). */
  versionId?: string;
  /** `'ssm'` or `'ssm-secure'` for a Parameter Store parameter; absent for a Secrets Manager secret. */
  service?: ParameterService;
}

/**
 * One fetched secret version.
 * @example
 *   const payload: SecretPayload = await provider.fetch({ secretId: 'prod/cert' });
 *   const bytes = payload.secretBinary ?? new TextEncoder().encode(payload.secretString ?? '');
 */
export interface SecretPayload {
  /** The value, when the secret holds text. */
  secretString?: string;
  /** The value, when the secret holds bytes. */
  secretBinary?: Uint8Array;
  /** The secret's full ARN, as the backend reports it. */
  arn?: string;
  /** The secret's name. */
  name?: string;
  /** The id of the version that was read. */
  versionId?: string;
  /** The staging labels of that version (`AWSCURRENT`, …). */
  versionStages?: string[];
}

/**
 * Options accepted by every call that may do I/O.
 * @example
 *   const options: CallOptions = { signal: AbortSignal.timeout(2_000) };
 *   await manager.getSecret('prod/db', options);
 */
export interface CallOptions {
  /** Cancels the call; it then rejects with an error named `AbortError` (code `aborted`). */
  signal?: AbortSignal;
  /**
   * Reads past every cache (in-process and shared) and stores what comes back — for "my login just failed: is
   * there a new password?". A fetch already in flight is not joined. When the value has a new version, the shared
   * tier's copy is dropped in every process. Use it sparingly: each call is a backend call.
   * @default false
   */
  refresh?: boolean;
}

/**
 * What happened, as told to a manager's `onEvent` handler: secret ids, tiers, timings and codes — never a value
 * and never a credential.
 * - `hit` / `miss`: a read found the secret in a tier (`memory`: this process; `shared`: the Redis tier) or not.
 * - `fetch`: the provider answered (`durationMs`, the `versionId` read).
 * - `stale`: an expired value was served because a refresh failed with a transient error (or is backing off).
 * - `refresh`: a background refresh ahead of expiry (`refreshAheadMs`) ended; `ok` says how.
 * - `changed`: a fetch found another version than the one cached (`previousVersionId` → `versionId`).
 * - `invalidated`: entries were dropped, by this manager (`source: 'local'`) or by another process (`'bus'`);
 *   no `secretId` means all of them.
 * - `error`: a fetch failed (`code`, `message` — the library's messages hold no value).
 * - `request`: a call to the backend ended, in success or failure (the AWS provider: one per SDK command, retries
 *   included); `request` says which call, where, and how it went, `durationMs` how long it took.
 * @example
 *   const onEvent = (event: SecretEvent) => {
 *     if (event.type === 'fetch') histogram.record(event.durationMs ?? 0, { tier: event.tier });
 *   };
 */
export interface SecretEvent {
  type: 'hit' | 'miss' | 'fetch' | 'stale' | 'refresh' | 'changed' | 'invalidated' | 'error' | 'request';
  /** The secret id as the reference wrote it. */
  secretId?: string;
  /** Where it happened. */
  tier?: 'memory' | 'shared' | 'provider';
  /** How long the fetch or refresh took. */
  durationMs?: number;
  /** The version read (`fetch`, `changed`). */
  versionId?: string;
  /** The version cached before (`changed`). */
  previousVersionId?: string;
  /** `refresh`: whether it succeeded. */
  ok?: boolean;
  /** `invalidated`: by this manager or by another process. */
  source?: 'local' | 'bus';
  /**
   * `error`: the error's code. `hit` with a code: a remembered `secret_not_found` / `access_denied` answer was
   * served (cache option `negativeTtlMs`).
   */
  code?: SecretRefErrorCode;
  /** `error`: the error's message (names references, never values). */
  message?: string;
  /** `request`: the call that ended. */
  request?: SecretRequest;
}

/**
 * One call to the backend, as a `request` event tells it: names, counts and the answer's metadata, never a value,
 * a secret id list or a credential.
 * @example
 *   const request: SecretRequest = { service: 'secretsmanager', action: 'BatchGetSecretValue', ids: 3,
 *     region: 'eu-west-1', host: 'secretsmanager.eu-west-1.amazonaws.com', status: 200, requestId: 'f3c…',
 *     attempts: 1 };
 */
export interface SecretRequest {
  /** The service called: `secretsmanager` or `ssm`. */
  service: string;
  /** The API action: `GetSecretValue`, `BatchGetSecretValue`, `ListSecrets`, `DescribeSecret`, `GetParameters`. */
  action: string;
  /** How many secret ids or parameter names the call asked for (absent for a listing). */
  ids?: number;
  /** The region the request was signed for. */
  region?: string;
  /** The host (and port, when not the default) the request went to. */
  host?: string;
  /** The HTTP status of the last attempt; absent when no answer came (network, timeout, no credentials). */
  status?: number;
  /** The request id the backend gave the last attempt. */
  requestId?: string;
  /** Attempts made, the first included (the SDK's retries). */
  attempts?: number;
  /** Time waited between attempts, in milliseconds. */
  retryDelayMs?: number;
  /** The error's name when the call failed (`ResourceNotFoundException`, `TimeoutError`, `CredentialsProviderError`). */
  error?: string;
}

/**
 * The outcome of one locator in a batched fetch, in input order.
 * @example
 *   const locators = [{ secretId: 'prod/db' }, { secretId: 'prod/api' }];
 *   const results: FetchResult[] = await provider.fetchMany(locators);
 *   for (const result of results) if (!result.ok) codes.push(result.error.code);
 */
export type FetchResult = { ok: true; payload: SecretPayload } | { ok: false; error: SecretRefError };

/**
 * A secret as listed by `listSecrets` (metadata only, never a value).
 * @example
 *   const summaries: SecretSummary[] = [];
 *   for await (const summary of manager.listSecrets({ prefix: 'prod/' })) summaries.push(summary);
 */
export interface SecretSummary {
  /** The secret's name. */
  name: string;
  /** The secret's full ARN. */
  arn?: string;
  /** The description stored with the secret. */
  description?: string;
  /** When the secret was last changed. */
  lastChangedDate?: Date;
  /** The secret's tags, by key. */
  tags?: Record<string, string>;
}

/**
 * Options of `listSecrets`.
 * @example
 *   const options: ListSecretsOptions = { prefix: 'prod/', pageSize: 50 };
 *   for await (const secret of manager.listSecrets(options)) names.push(secret.name);
 */
export interface ListSecretsOptions extends CallOptions {
  /** Only secrets whose name starts with this text. */
  prefix?: string;
  /** Page size asked of the backend. */
  pageSize?: number;
}

/**
 * Options of `testConnection`.
 * @example
 *   const result = await manager.testConnection({ secretId: 'prod/db', signal: AbortSignal.timeout(5_000) });
 */
export interface TestConnectionOptions extends CallOptions {
  /**
   * Tests access to this one secret instead of listing (for keys whose policy is scoped to a few secrets); the
   * AWS provider asks `DescribeSecret`, then `GetSecretValue` when describing is denied, and never keeps the value.
   */
  secretId?: string;
}

/**
 * What `testConnection` returns; it never throws for bad credentials or an unreachable endpoint. `ok: true` means
 * the credentials authenticated: `listAllowed: false` says they may not list secrets (AWS answered AccessDenied,
 * which refused keys never get), distinct from refused keys (`ok: false`, `invalid_credentials`). `account` and
 * `principal` are there when the backend named them; `endpoint` is the endpoint's origin only, never its path.
 * @example
 *   const result: TestConnectionResult = await manager.testConnection();
 *   if (!result.ok) warnings.push(`${result.code}: ${result.message}`);
 *   else if (result.listAllowed === false) warnings.push(`authenticated as ${result.principal ?? 'unknown'}, listing not allowed`);
 */
export type TestConnectionResult =
  | {
      ok: true;
      latencyMs: number;
      region?: string;
      /** The endpoint's origin (scheme, host, port). */
      endpoint?: string;
      /** Whether listing secrets is allowed; absent when one secret was tested (`secretId`). */
      listAllowed?: boolean;
      /** The one secret tested, when the test was asked for one. */
      secretId?: string;
      /** The account the credentials belong to, when the backend's answer names it. */
      account?: string;
      /** The user or role the credentials stand for (an ARN), when the backend's answer names it. */
      principal?: string;
    }
  | {
      ok: false;
      code: SecretRefErrorCode;
      message: string;
      latencyMs: number;
      account?: string;
      principal?: string;
    };

/**
 * The contract a secret backend implements. It is small on purpose: a second backend is one file.
 * Errors it throws or returns are `SecretRefError`s with the spec's codes (`SecretFetchError` for fetch failures).
 * @example
 *   const provider: SecretProvider = {
 *     kind: 'files',
 *     identity: 'files:/run/secrets',
 *     fetch: async ({ secretId }) => ({ secretString: await readFile(`/run/secrets/${secretId}`, 'utf8') }),
 *   };
 */
export interface SecretProvider {
  /** Names the backend, for messages: `aws`, `memory`. */
  readonly kind: string;
  /**
   * The reference services this provider serves: `'secretsmanager'` (references without a `service`), `'ssm'`,
   * `'ssm-secure'`. A reference to another service is an `unsupported_reference` issue, never a fetch.
   * @default ['secretsmanager']
   */
  readonly services?: readonly ReferenceService[];
  /**
   * Stable text naming where values come from (region, endpoint, credential identity such as the access key id).
   * Part of every cache key. Never holds a secret key, session token or value.
   */
  readonly identity: string;
  /** Fetches one secret version. */
  fetch(locator: SecretLocator, options?: CallOptions): Promise<SecretPayload>;
  /**
   * Fetches several secrets in as few calls as the backend allows; one result per locator, in order.
   * Rejects only when aborted. Optional: without it, `fetch` is called for each locator.
   */
  fetchMany?(locators: readonly SecretLocator[], options?: CallOptions): Promise<FetchResult[]>;
  /** Lists secrets, every page. */
  listSecrets?(options?: ListSecretsOptions): AsyncIterable<SecretSummary>;
  /** Checks that the backend answers with these credentials. */
  testConnection?(options?: TestConnectionOptions): Promise<TestConnectionResult>;
  /** Backend calls made so far (each page, each batch call counts one). */
  apiCalls?(): number;
  /**
   * The identity to share cache entries under across processes (the shared tier of `secret-refs/redis`): like
   * `identity`, but the same in every process with the same trust. `digest` is the tier's keyed digest: pass every
   * credential through it, never put one in plain. `scope` is the tier's explicit sharing scope, for credentials that
   * cannot be compared across processes (a credential provider, an injected client). Returns `undefined` when the
   * provider cannot be shared; without this method, a provider is never shared. It may return a promise when the
   * identity has to be read asynchronously (an injected client's resolved region and endpoint): reads through the
   * tier wait for it, and when it rejects the provider is not shared and the manager emits an `error` event.
   */
  sharedIdentity?(
    digest: (text: string) => string,
    scope: string | undefined,
  ): string | undefined | Promise<string | undefined>;
}

/**
 * Counters kept by a manager's cache.
 * @example
 *   const { hits, misses }: SecretManagerStats = manager.stats();
 *   const hitRate = hits / Math.max(1, hits + misses);
 */
export interface SecretManagerStats {
  /** Reads served from the cache. */
  hits: number;
  /** Reads that needed a fetch. */
  misses: number;
  /** Calls made to the backend (each batch call counts one). */
  apiCalls: number;
  /** Expired values served because a refresh failed with a transient error. */
  staleServed: number;
  /**
   * Refreshes that failed with a transient error and fell back to the stale value. After each, the stale value is
   * served without asking the backend for a short, growing, jittered while (1 s, 2 s, 4 s … up to 1 min).
   */
  refreshErrors: number;
  /**
   * Reads answered by a remembered `secret_not_found` or `access_denied` (cache option `negativeTtlMs`), without
   * a backend call.
   */
  negativeHits?: number;
  /**
   * Entries of the shared tier (`secret-refs/redis`) that failed to decrypt or verify — an `encryptionKey` the
   * writer did not use, or an entry changed in Redis — or that are longer than any entry the tier writes (never
   * sent by Redis). Each was a miss, read from the provider instead, and an `error` event (`tier: 'shared'`,
   * `code: 'decryption_failed'`). Above 0, check the fleet's keys and Redis. Always 0 without a shared tier.
   */
  sharedRejected: number;
  /** Secret versions held in the cache now. */
  size: number;
}

/**
 * The outcome of one reference in `getSecrets`, in input order.
 * @example
 *   const results: SecretResult[] = await manager.getSecrets(['prod/db', 'prod/api']);
 *   const values = results.map((result) => (result.ok ? result.value : undefined));
 *   const [port] = await manager.getSecrets([{ secretId: 'prod/db', jsonKey: 'port' }]);
 *   const portNumber = port?.ok ? port.json : undefined; // 5432 for {"port": 5432}; port.value is '5432'
 */
export type SecretResult =
  | {
      ok: true;
      /** The secret string, or the text of its JSON key (a non-string JSON value JSON-encoded). */
      value: string;
      /**
       * The JSON value of the reference's JSON key when it holds a number, boolean, object or array (absent for
       * a string and for a whole secret), so that a caller can keep JSON types without parsing `value` again.
       */
      json?: unknown;
    }
  | { ok: false; error: SecretRefError };

/**
 * What `createAwsSecretsManager` (and any provider wrapped by the cache) returns.
 * @example
 *   const manager: SecretManager = createAwsSecretsManager({ region: 'eu-west-1' });
 *   const password = await manager.getSecret({ secretId: 'prod/db', jsonKey: 'password' });
 */
export interface SecretManager {
  /** The secret string, or the value of `ref.jsonKey` in it. */
  getSecret(ref: SecretRef | string, options?: CallOptions): Promise<string>;
  /** The bytes of a binary secret. */
  getSecretBinary(ref: SecretRef | string, options?: CallOptions): Promise<Uint8Array>;
  /**
   * Reads many references at once: each distinct secret fetched once, batched where the backend allows.
   * Never rejects for a failing reference (each result says ok or not); rejects only when aborted.
   */
  getSecrets(refs: readonly (SecretRef | string)[], options?: CallOptions): Promise<SecretResult[]>;
  /** Checks that the backend answers with these credentials; never throws for bad credentials or a dead endpoint. */
  testConnection(options?: TestConnectionOptions): Promise<TestConnectionResult>;
  /** Every secret's name and metadata (never a value), all pages. */
  listSecrets(options?: ListSecretsOptions): AsyncIterable<SecretSummary>;
  /** Top-level key names of a JSON secret (never values). */
  listJsonKeys(ref: SecretRef | string, options?: CallOptions): Promise<string[]>;
  /** Drops one secret (every version of it) from the cache, or everything. */
  invalidate(ref?: SecretRef | string): void;
  /** The cache's counters. */
  stats(): SecretManagerStats;
}

/**
 * One reference-looking span found inside a string by the grammar's scanner.
 * @example
 *   const matches: readonly SecretRefMatch[] = scanSecretRefs('user={{resolve:secretsmanager:db}};');
 *   const ids = matches.flatMap((match) => (match.ref ? [match.ref.secretId] : [])); // ['db']
 */
export type SecretRefMatch = {
  /** Offset of the first character of the span (`{{`). */
  start: number;
  /** Offset just past the span (after `}}`). */
  end: number;
  /** The span's text, exactly as written. */
  text: string;
} & (
  | { ref: SecretRef; error?: undefined }
  | { ref?: undefined; error: import('./errors.js').SecretRefSyntaxError }
);
