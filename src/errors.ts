/**
 * Every error the library throws is a {@link SecretRefError} with a snake_case `code`.
 *
 * Messages name references (secret ids, JSON keys, paths) and never a secret value. Errors raised by the
 * AWS SDK are kept as `cause`, of the same class and message, without the raw HTTP exchange the SDK attaches.
 */

/**
 * The snake_case codes carried by {@link SecretRefError.code}.
 * @example
 *   function isRetryable(code: SecretRefErrorCode): boolean {
 *     return code === 'throttled' || code === 'network' || code === 'timeout';
 *   }
 */
export type SecretRefErrorCode =
  /** Reference text that does not follow the grammar. */
  | 'invalid_reference'
  /** A CloudFormation dynamic reference to another service (`{{resolve:ssm:…}}`) or a misspelt one; never passed on. */
  | 'unsupported_reference'
  /** A bad option passed to a factory or function; the error names the option. */
  | 'invalid_config'
  /** A value given to the walker that it refuses: a cycle, nesting deeper than the limit, a getter that throws. */
  | 'invalid_input'
  | 'secret_not_found'
  | 'access_denied'
  | 'invalid_credentials'
  | 'json_key_not_found'
  | 'not_json'
  | 'binary_secret'
  | 'not_binary'
  | 'throttled'
  | 'network'
  | 'timeout'
  /** The endpoint (or the region's endpoint) does not exist: DNS failed or it is not a Secrets Manager endpoint. */
  | 'unknown_endpoint'
  | 'decryption_failed'
  /** The request was rejected as invalid (for example a secret scheduled for deletion, or a bad version id). */
  | 'invalid_request'
  | 'unknown_manager'
  | 'aborted'
  /** One or more references failed; see {@link SecretResolutionError.issues}. */
  | 'resolution_failed'
  /** A provider failure that maps to no other code; `cause` holds the original error. */
  | 'provider_error';

/** Codes of failures that may pass if tried again later (stale-if-error applies to these only). */
const TRANSIENT_CODES: ReadonlySet<SecretRefErrorCode> = new Set(['throttled', 'network', 'timeout']);

/**
 * What a {@link SecretRefError} may carry besides its code and message.
 * @example
 *   const options: SecretRefErrorOptions = { ref: 'prod/db', cause: awsError };
 *   throw new SecretFetchError('provider_error', 'Could not read prod/db', options);
 */
export interface SecretRefErrorOptions {
  /** The reference the error is about, as text (never a value). */
  ref?: string;
  /** The error this one stands for, such as the AWS SDK's; never a value the library built from a secret. */
  cause?: unknown;
}

/**
 * Base class of every error the library throws; branch on `code` rather than on the class or the message.
 * @example
 *   try {
 *     await manager.getSecret('prod/db:password');
 *   } catch (error) {
 *     if (error instanceof SecretRefError && error.code === 'secret_not_found') return undefined;
 *     throw error;
 *   }
 */
export class SecretRefError extends Error {
  override name = 'SecretRefError';
  /** What went wrong, as a stable snake_case code. */
  readonly code: SecretRefErrorCode;
  /** The reference the error is about, as text. Never a secret value. */
  readonly ref?: string;

  constructor(code: SecretRefErrorCode, message: string, options: SecretRefErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.ref !== undefined) this.ref = options.ref;
  }
}

/**
 * Reference text that does not follow the grammar; says where (`offset`, 0-based) and why (`reason`). Its `code`
 * is `invalid_reference`, or `unsupported_reference` for a dynamic reference to a service other than Secrets
 * Manager and Parameter Store (`{{resolve:secretsmanagr:…}}`, `{{resolve:s3:…}}`).
 * @example
 *   try {
 *     parseSecretRef('{{resolve:secretsmanager:db:SecretBinary}}');
 *   } catch (error) {
 *     if (error instanceof SecretRefSyntaxError) report(`offset ${error.offset}: ${error.reason}`);
 *   }
 */
export class SecretRefSyntaxError extends SecretRefError {
  override name = 'SecretRefSyntaxError';
  /** 0-based offset in `input` where the problem was found. */
  readonly offset: number;
  /** Why the text is not a reference, without the position. */
  readonly reason: string;
  /** The text that was parsed. */
  readonly input: string;

  constructor(
    input: string,
    offset: number,
    reason: string,
    options: { cause?: unknown; code?: 'invalid_reference' | 'unsupported_reference' } = {},
  ) {
    const { code = 'invalid_reference', cause } = options;
    const what = code === 'unsupported_reference' ? 'Unsupported' : 'Invalid';
    super(code, `${what} secret reference at offset ${offset}: ${reason}`, { cause, ref: input });
    this.input = input;
    this.offset = offset;
    this.reason = reason;
  }
}

/**
 * A bad configuration option; thrown at once by the function that received it.
 * @example
 *   try {
 *     createAwsSecretsManager({ region: 'nowhere' });
 *   } catch (error) {
 *     if (error instanceof SecretRefConfigError) report(`fix ${error.option}`);
 *   }
 */
export class SecretRefConfigError extends SecretRefError {
  override name = 'SecretRefConfigError';
  /** The option at fault, for example `cache.ttlMs`. */
  readonly option: string;

  constructor(option: string, message: string, options: { cause?: unknown } = {}) {
    super('invalid_config', message, options);
    this.option = option;
  }
}

/**
 * Fetching or reading one secret failed. `cause` holds the provider's error, when there is one.
 * @example
 *   const [result] = await manager.getSecrets(['prod/db:password']);
 *   if (result?.ok === false && result.error instanceof SecretFetchError && result.error.transient) scheduleRetry();
 */
export class SecretFetchError extends SecretRefError {
  override name = 'SecretFetchError';
  /** True when trying again later may succeed (throttling, 5xx, network, timeout). */
  readonly transient: boolean;

  constructor(
    code: SecretRefErrorCode,
    message: string,
    options: SecretRefErrorOptions & { transient?: boolean } = {},
  ) {
    super(code, message, options);
    this.transient = options.transient ?? TRANSIENT_CODES.has(code);
  }
}

/**
 * The operation was cancelled through its `AbortSignal`. Its `name` is `AbortError`, like the platform's.
 * @example
 *   await resolveConnection(connection, manager, { signal: AbortSignal.timeout(2_000) });
 *   // rejects with a SecretRefAbortError (name 'AbortError', code 'aborted') after 2 s
 */
export class SecretRefAbortError extends SecretRefError {
  override name = 'AbortError';

  constructor(message = 'The operation was aborted', options: { cause?: unknown } = {}) {
    super('aborted', message, options);
  }
}

/**
 * One failing reference inside a value given to `resolveConnection`.
 * @example
 *   const { issues } = await resolveConnectionSettled(connection, manager);
 *   const missing = issues.filter((issue: SecretResolutionIssue) => issue.code === 'secret_not_found');
 */
export interface SecretResolutionIssue {
  /** Where the reference sits: object keys and array indexes from the root. */
  path: (string | number)[];
  /** The reference text as written. */
  ref: string;
  /** Why it failed: the code of the underlying error. */
  code: SecretRefErrorCode;
  /** The reference and the reason, for a person; never a value. */
  message: string;
}

/**
 * Formats a path the way a person reads it.
 * @example
 *   formatPath(['props', 'headers', 0, 'x-api-key']); // 'props.headers[0]["x-api-key"]'
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Options of {@link formatIssues}.
 * @example
 *   const options: FormatIssuesOptions = { maxIssues: 10, maxLength: 200 };
 */
export interface FormatIssuesOptions {
  /**
   * How many issues to list; the rest are counted in a last line.
   * @default Infinity
   */
  maxIssues?: number;
  /**
   * Longest message or path shown; longer ones are cut with `…`.
   * @default 300
   */
  maxLength?: number;
}

/** Issues a `SecretResolutionError` lists in its message; `issues` always holds all of them. */
const MESSAGE_ISSUES = 20;

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/**
 * Formats issues for a person: each as `✖ message`, then `→ at path` on the next line. Long messages and paths are
 * cut, so a pathological reference cannot make a log line megabytes long.
 * @example
 *   report(formatIssues(error.issues, { maxIssues: 10 }));
 */
export function formatIssues(
  issues: readonly SecretResolutionIssue[],
  options: FormatIssuesOptions = {},
): string {
  const { maxIssues = Number.POSITIVE_INFINITY, maxLength = 300 } = options;
  const shown = issues.slice(0, maxIssues);
  const lines = shown.map(
    (issue) => `✖ ${clip(issue.message, maxLength)}\n  → at ${clip(formatPath(issue.path), maxLength)}`,
  );
  const hidden = issues.length - shown.length;
  if (hidden > 0) lines.push(`… and ${hidden} more (see \`issues\`)`);
  return lines.join('\n');
}

/**
 * One or more references failed to resolve; `issues` lists all of them, each with its path. The message lists the
 * first 20 (each cut at 300 characters) and counts the rest.
 * @example
 *   try {
 *     await resolveConnection(connection, manager);
 *   } catch (error) {
 *     if (error instanceof SecretResolutionError) for (const issue of error.issues) report(issue.path, issue.code);
 *   }
 */
export class SecretResolutionError extends SecretRefError {
  override name = 'SecretResolutionError';
  /** Every failing reference, in the order the walk met them. */
  readonly issues: SecretResolutionIssue[];

  constructor(issues: SecretResolutionIssue[], options: { cause?: unknown } = {}) {
    const count = issues.length === 1 ? '1 secret reference' : `${issues.length} secret references`;
    const listed = formatIssues(issues, { maxIssues: MESSAGE_ISSUES });
    super('resolution_failed', `${count} could not be resolved:\n${listed}`, options);
    this.issues = issues;
  }
}
