import {
  SecretFetchError,
  SecretRefAbortError,
  SecretRefError,
  type SecretRefErrorCode,
} from '../../errors.js';
import { AnswerShapeError } from './answer-shape.js';
import {
  type AwsErrorContext,
  describeSubject,
  malformedAnswer,
  originOf,
  targetOf,
  termsOf,
} from './call-context.js';
import { type AwsErrorKind, awsErrorKind, errorName } from './error-names.js';
import { fromMetadata } from './request-events.js';
import { sanitizeSdkError } from './sanitize-error.js';

/**
 * Sends one call and reads its answer: a failure of the call becomes a typed error, an answer of the wrong shape
 * a malformed-answer error; anything else thrown is the library's own and propagates.
 */
export async function callAws<T>(
  contextOf: () => AwsErrorContext | Promise<AwsErrorContext>,
  send: () => Promise<unknown>,
  read: (output: unknown) => T,
): Promise<T> {
  let output: unknown;
  try {
    output = await send();
  } catch (error) {
    // AWS, through the SDK, may fail in any way: each failure becomes a typed error.
    throw mapAwsError(error, await contextOf());
  }
  try {
    return read(output);
  } catch (error) {
    // The answer is AWS's: a field of the wrong shape makes it malformed; any other throw is ours.
    if (!(error instanceof AnswerShapeError)) throw error;
    throw malformedAnswer(await contextOf(), error.message);
  }
}

/** System codes (`error.code`) of a socket or request that timed out; error names are classified by `awsErrorKind`. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EPROTO',
  'UND_ERR_SOCKET',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * Turns an error thrown by the AWS SDK into a `SecretFetchError` whose code and message say what to fix, or a
 * `SecretRefAbortError` when the call was cancelled. The library's own errors are returned unchanged; the SDK
 * error becomes the `cause`, stripped of the raw HTTP exchange it may hold.
 */
export function mapAwsError(error: unknown, context: AwsErrorContext): SecretRefError {
  if (error instanceof SecretRefError) return error;
  const cause = sanitizeSdkError(error);
  const details = readDetails(error);
  if (context.signal?.aborted || details.kind === 'aborted') {
    return new SecretRefAbortError('The operation was aborted', { cause });
  }
  return toError(classify(details, context), context, cause);
}

/** Maps one entry of `BatchGetSecretValue`'s `Errors[]` (an error code and AWS's message, no exception object). */
export function mapAwsErrorCode(errorCode: string, awsMessage: string | undefined, context: AwsErrorContext) {
  const name = errorName(errorCode);
  const cause = new Error(awsMessage === undefined ? name : `${name}: ${oneLine(awsMessage)}`);
  cause.name = name;
  const details = { name, kind: awsErrorKind(errorCode), awsMessage: awsMessage ?? '' };
  return toError(classify(details, context), context, cause);
}

function toError(classified: Classified, context: AwsErrorContext, cause: unknown): SecretFetchError {
  return new SecretFetchError(classified.code, classified.message, {
    cause,
    ...(context.secretId === undefined ? {} : { ref: context.secretId }),
    ...(classified.transient === undefined ? {} : { transient: classified.transient }),
  });
}

interface ErrorDetails {
  /** The name as the endpoint sent it, for messages. */
  name: string;
  /** What the name means: the only thing decisions are made from. */
  kind: AwsErrorKind | undefined;
  systemCode?: string | undefined;
  status?: number | undefined;
  fault?: string | undefined;
  awsMessage: string;
  parseFailure?: boolean;
  /**
   * For a failed `credential_process` (the SDK's message is `Command failed: <command>` and then the process's
   * stderr): the first line the process wrote, with anything that looks like a value taken out.
   */
  processLine?: string | undefined;
  /** How many attempts the SDK made, and how long it waited between them (ms), from `$metadata`. */
  attempts?: number | undefined;
  retryDelayMs?: number | undefined;
}

function readDetails(error: unknown): ErrorDetails {
  if (error === null || typeof error !== 'object') {
    return { name: 'UnknownError', kind: undefined, awsMessage: '' };
  }
  const record = error as Record<string, unknown>;
  const { status, attempts, retryDelayMs } = fromMetadata(record.$metadata);
  const code = typeof record.code === 'string' ? record.code : undefined;
  const causeCode = (record.cause as { code?: unknown } | undefined)?.code;
  return {
    name: errorName(record.name),
    kind: awsErrorKind(record.name),
    systemCode: code ?? (typeof causeCode === 'string' ? causeCode : undefined),
    status,
    processLine:
      awsErrorKind(record.name) === 'no_credentials' && typeof record.message === 'string'
        ? credentialProcessLine(record.message)
        : undefined,
    attempts,
    retryDelayMs,
    fault: typeof record.$fault === 'string' ? record.$fault : undefined,
    awsMessage: typeof record.$fault === 'string' && typeof record.message === 'string' ? record.message : '',
    parseFailure:
      record.$responseBodyText !== undefined ||
      (record.$response !== undefined && typeof record.$fault !== 'string'),
  };
}

interface Classified {
  code: SecretRefErrorCode;
  message: string;
  transient?: boolean;
}

function classify(details: ErrorDetails, context: AwsErrorContext): Classified {
  const { name, kind, systemCode, status } = details;
  const terms = termsOf(context);
  const subject = describeSubject(context);
  const target = targetOf(context);
  if (kind === 'not_found') {
    const what = context.versionStage !== undefined || context.versionId !== undefined ? ', the version' : '';
    return {
      code: 'secret_not_found',
      message: `${capitalize(subject)} was not found in ${context.region ?? "the client's region"}; check the ${terms.item} name or ARN${what} and the region`,
    };
  }
  if (kind === 'access_denied') {
    const kms = context.action === 'ListSecrets' ? '' : terms.kmsAdvice;
    return {
      code: 'access_denied',
      message: `The credentials are not allowed ${terms.iam}:${context.action} on ${subject}; grant it in the IAM policy${kms}`,
    };
  }
  if (kind === 'expired_credentials') {
    return {
      code: 'invalid_credentials',
      message: `AWS rejected the credentials because they have expired (${name}); refresh the session token or the credentials`,
    };
  }
  if (kind === 'invalid_credentials' && /scoped to (a valid|the correct) region/i.test(details.awsMessage)) {
    const signed = context.region === undefined ? 'the client region' : `region ${context.region}`;
    return {
      code: 'invalid_credentials',
      message: `${originOf(context.endpoint) ?? `The ${terms.name} endpoint`} refused a request signed for ${signed}: it serves another region (${name}); set \`region\` to the endpoint's region, or use the endpoint of ${signed}`,
    };
  }
  if (kind === 'invalid_credentials') {
    return {
      code: 'invalid_credentials',
      message: `AWS rejected the credentials (${name}); check \`accessKeyId\`, \`secretAccessKey\` and \`sessionToken\`, and that the access key is active`,
    };
  }
  if (kind === 'no_credentials' && details.processLine !== undefined) {
    const said = details.processLine === '' ? '' : `: "${details.processLine}"`;
    return {
      code: 'invalid_credentials',
      message: `The profile's credential_process failed${said}; run it by hand to see why, fix it or sign in again, then retry`,
    };
  }
  if (kind === 'no_credentials') {
    return {
      code: 'invalid_credentials',
      message:
        'No AWS credentials could be loaded; pass `accessKeyId` and `secretAccessKey`, a `credentials` provider, or configure the default chain (environment, profile, role)',
    };
  }
  if (kind === 'throttled' || status === 429) {
    return {
      code: 'throttled',
      message: `AWS throttled ${context.action} for ${subject} even after retrying; lower the request rate or raise \`maxAttempts\``,
    };
  }
  if (kind === 'decryption_failed') {
    return {
      code: 'decryption_failed',
      message: `AWS could not decrypt ${subject} with its KMS key (${name}); grant kms:Decrypt on the key to these credentials`,
    };
  }
  if (kind === 'invalid_request') {
    const why = details.awsMessage === '' ? '' : `: ${oneLine(details.awsMessage)}`;
    return {
      code: 'invalid_request',
      message: `AWS refused ${context.action} for ${subject} (${name})${why}`,
    };
  }
  if (systemCode !== undefined && NETWORK_CODES.has(systemCode)) {
    return {
      code: 'network',
      message: `Could not reach ${target} (${systemCode}); check \`${terms.endpointOption}\`, proxies and the network`,
    };
  }
  if (systemCode !== undefined && DNS_CODES.has(systemCode)) {
    return {
      code: 'unknown_endpoint',
      message: `The host of ${target} could not be found (${systemCode}); check \`${terms.endpointOption}\` and \`region\``,
      transient: systemCode === 'EAI_AGAIN',
    };
  }
  if (
    kind === 'timeout' ||
    (systemCode !== undefined && (TIMEOUT_CODES.has(systemCode) || awsErrorKind(systemCode) === 'timeout'))
  ) {
    const limit = context.requestTimeoutMs === undefined ? '' : ` within ${context.requestTimeoutMs} ms`;
    const attempts = details.attempts ?? 1;
    // Each attempt that timed out lasted the whole timeout; the SDK adds the waits between them.
    const total =
      attempts > 1 && context.requestTimeoutMs !== undefined
        ? `, about ${((attempts * context.requestTimeoutMs + (details.retryDelayMs ?? 0)) / 1000).toFixed(1)} s in all`
        : '';
    const tries = attempts > 1 ? ` (${attempts} attempts${total})` : '';
    return {
      code: 'timeout',
      message: `${target} did not answer ${context.action} for ${subject}${limit}${tries}; check the network path or raise \`requestTimeoutMs\``,
    };
  }
  if (details.parseFailure) {
    return {
      code: 'provider_error',
      message: `The answer of ${target} to ${context.action} could not be read; check that \`${terms.endpointOption}\` is a ${terms.name} endpoint`,
      transient: status !== undefined && status >= 500,
    };
  }
  if (details.fault === 'server' || (status !== undefined && status >= 500) || kind === 'server') {
    const http = status === undefined ? '' : `, HTTP ${status}`;
    return {
      code: 'provider_error',
      message: `${terms.name} failed with a server error (${name}${http}) on ${context.action} for ${subject}; try again later`,
      transient: true,
    };
  }
  if (status === 404 || kind === 'unknown_operation') {
    return {
      code: 'unknown_endpoint',
      message: `${target} did not answer like a ${terms.name} endpoint (${name}); check \`${terms.endpointOption}\``,
    };
  }
  return {
    code: 'provider_error',
    message: `${context.action} for ${subject} failed (${name}${status === undefined ? '' : `, HTTP ${status}`})`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** AWS's message on one line, cut at 200 characters. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * The first line a failed `credential_process` wrote (the SDK gives `Command failed: <command>` and then its stderr),
 * cleaned by {@link withoutValues}; the command itself is dropped (its arguments can hold anything).
 * `undefined` when the message is not a process failure.
 */
function credentialProcessLine(message: string): string | undefined {
  const [first, ...rest] = message.split(/\r?\n/);
  if (first === undefined || !first.startsWith('Command failed:')) return undefined;
  return withoutValues(rest.map((text) => text.trim()).find((text) => text !== '') ?? '');
}

/**
 * A line written by a program the library does not control (a `credential_process`), with whatever looks like a
 * value taken out — the part after `=` or `:` in `name=value`, quoted text, long runs of letters and digits (keys,
 * tokens, base64, hex) — and cut at 160 characters.
 */
export function withoutValues(line: string): string {
  return line
    .replace(/(["'`]).*?\1/g, '…')
    .replace(
      /\b([\w.-]+)(\s*=\s*|:(?=\S))[^\s,;]+/g,
      (_match, key: string, sign: string) => `${key}${sign.trim()}…`,
    )
    .replace(/[A-Za-z0-9+/_-]{16,}={0,2}/g, '…')
    .slice(0, 160);
}
