import { awsErrorKindOf } from './error-names.js';

const HIDDEN_EXCHANGE = ['$response', '$responseBodyText'] as const;

/**
 * A copy of an SDK error without the raw HTTP exchange the SDK attaches to it (`$response`, `$responseBodyText`).
 * That exchange can reach the signed request (session token) and, when a response body failed to parse, the body
 * itself (a secret value); both are read-only on the original, so a copy of the same class is kept instead.
 * A credential provider's error keeps only the first line of its message: a `credential_process` failure carries
 * the process's standard error after it, which may print a key. Other errors without an exchange are returned unchanged.
 */
export function sanitizeSdkError(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return error;
  const record = error as Record<string, unknown>;
  if (awsErrorKindOf(error) === 'no_credentials') {
    const message = typeof record.message === 'string' ? record.message : '';
    const newline = message.indexOf('\n');
    if (newline === -1) return error;
    const line = message.slice(0, newline);
    return copyError(error, (key) => key === 'cause', line, `CredentialsProviderError: ${line}`);
  }
  const holdsExchange = HIDDEN_EXCHANGE.some((key) => Object.hasOwn(error, key) && record[key] !== undefined);
  if (!holdsExchange) return error;
  const parseFailure = record.$responseBodyText !== undefined || typeof record.$fault !== 'string';
  const hidden = (key: string) =>
    (HIDDEN_EXCHANGE as readonly string[]).includes(key) || (key === 'cause' && parseFailure);
  if (!parseFailure) return copyError(error, hidden);
  const message = 'The response body could not be parsed (body withheld: it may hold a secret value)';
  const name = typeof record.name === 'string' ? record.name : 'Error';
  return copyError(error, hidden, message, `${name}: ${message}`);
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
