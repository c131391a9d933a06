import { awsErrorKindOf } from './error-names.js';

const HIDDEN_EXCHANGE = ['$response', '$responseBodyText'] as const;

/**
 * A copy of an SDK error without the raw HTTP exchange the SDK attaches to it (`$response`, `$responseBodyText`).
 * That exchange can reach the signed request (session token) and, when a response body failed to parse, the body
 * itself (a secret value); both are read-only on the original, so a copy of the same class is kept instead.
 * A credential provider's error keeps only the first line of its message: a `credential_process` failure carries
 * the process's standard error after it, which may print a key; so does a refused signature's (AWS quotes the signed
 * headers after the first line, the session token among them). Other errors without an exchange are returned unchanged.
 */
export function sanitizeSdkError(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return error;
  const record = error as Record<string, unknown>;
  const kind = awsErrorKindOf(error);
  const text = typeof record.message === 'string' ? record.message : '';
  const newline = text.indexOf('\n');
  const name = typeof record.name === 'string' ? record.name : 'Error';
  if (kind === 'no_credentials') {
    if (newline === -1) return error;
    const line = text.slice(0, newline);
    return copyError(error, (key) => key === 'cause', line, `CredentialsProviderError: ${line}`);
  }
  // A refused signature's message quotes, after its first line, the canonical request AWS computed: every signed
  // header with its value, the session token (`x-amz-security-token`) among them.
  const echoesRequest = (kind === 'invalid_credentials' || kind === 'expired_credentials') && newline !== -1;
  const holdsExchange = HIDDEN_EXCHANGE.some((key) => Object.hasOwn(error, key) && record[key] !== undefined);
  if (!holdsExchange && !echoesRequest) return error;
  const parseFailure =
    holdsExchange && (record.$responseBodyText !== undefined || typeof record.$fault !== 'string');
  const hidden = (key: string) =>
    (HIDDEN_EXCHANGE as readonly string[]).includes(key) || (key === 'cause' && parseFailure);
  if (parseFailure) {
    const message = 'The response body could not be parsed (body withheld: it may hold a secret value)';
    return copyError(error, hidden, message, `${name}: ${message}`);
  }
  if (!echoesRequest) return copyError(error, hidden);
  const line = text.slice(0, newline).trimEnd();
  return copyError(error, hidden, line, `${name}: ${line}`);
}

/** A copy of `error`, of its class, without the own properties `hidden` names; with `message` and `stack` when given. */
function copyError(
  error: object,
  hidden: (key: string) => boolean,
  message?: string,
  stack?: string,
): object {
  const copy = Object.create(Object.getPrototypeOf(error)) as object;
  for (const key of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor !== undefined && !hidden(key)) Object.defineProperty(copy, key, descriptor);
  }
  if (message !== undefined) {
    Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
    Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  }
  return copy;
}
