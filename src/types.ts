import type { SecretRefError, SecretRefErrorCode, SecretRefSyntaxError } from './errors.js';

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
} & ({ ref: SecretRef; error?: undefined } | { ref?: undefined; error: SecretRefSyntaxError });
