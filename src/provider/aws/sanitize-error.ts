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
  if (awsErrorKindOf(error) === 'no_credentials') return firstLineOnly(error, record);
  const holdsExchange = HIDDEN_EXCHANGE.some((key) => Object.hasOwn(error, key) && record[key] !== undefined);
  if (!holdsExchange) return error;
  const parseFailure = record.$responseBodyText !== undefined || typeof record.$fault !== 'string';
  const copy = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(error)) {
    if ((HIDDEN_EXCHANGE as readonly string[]).includes(key)) continue;
    if (key === 'cause' && parseFailure) continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor !== undefined) Object.defineProperty(copy, key, descriptor);
  }
  if (parseFailure) {
    const name = typeof copy.name === 'string' ? copy.name : 'Error';
    const message = 'The response body could not be parsed (body withheld: it may hold a secret value)';
    Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
    Object.defineProperty(copy, 'stack', {
      value: `${name}: ${message}`,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function firstLineOnly(error: object, record: Record<string, unknown>): unknown {
  const message = typeof record.message === 'string' ? record.message : '';
  const newline = message.indexOf('\n');
  if (newline === -1) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor !== undefined && key !== 'cause') Object.defineProperty(copy, key, descriptor);
  }
  const line = message.slice(0, newline);
  Object.defineProperty(copy, 'message', { value: line, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', {
    value: `CredentialsProviderError: ${line}`,
    writable: true,
    configurable: true,
  });
  return copy;
}
