import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../errors.js';
import type {
  FetchResult,
  SecretLocator,
  SecretPayload,
  SecretProvider,
  SecretSummary,
  TestConnectionResult,
} from '../types.js';

/** The provider's error as a `SecretRefError`: the library's own errors pass through unchanged. */
export function asSecretRefError(
  error: unknown,
  provider: SecretProvider,
  locator: SecretLocator,
): SecretRefError {
  if (error instanceof SecretRefError) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return new SecretRefAbortError(undefined, { cause: error });
  return new SecretFetchError(
    'provider_error',
    `The ${provider.kind} provider failed to fetch secret ${JSON.stringify(locator.secretId)}`,
    { ref: locator.secretId, cause: error },
  );
}

/**
 * A `provider_error` for an answer that breaks the provider contract; `what` says which part, by field name and
 * type only (never a value, which could be a secret).
 */
export function malformed(provider: SecretProvider, locator: SecretLocator, what: string): SecretFetchError {
  return new SecretFetchError(
    'provider_error',
    `The ${provider.kind} provider returned a malformed answer for secret ${JSON.stringify(locator.secretId)}: ${what}`,
    { ref: locator.secretId, transient: false },
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Checks what a provider's `fetch` resolved with (or a `fetchMany` result carried) and copies it into a frozen
 * payload the cache can keep (string or bytes, ARN, name, version id; the stages are checked but not kept): a later
 * change to the provider's object cannot change a cached value, and a wrong type (`undefined`, a `secretBinary` that
 * is a string, stages that are not strings) is a typed `provider_error`, never a crash or a cached `undefined`.
 * Reading a field that throws (a getter, a proxy) is malformed too.
 */
export function checkPayload(value: unknown, provider: SecretProvider, locator: SecretLocator): FetchResult {
  let read: SecretPayload | string;
  // The provider's answer is not trusted: a custom provider may resolve with anything, getters and proxies included.
  try {
    read = copyPayload(value);
  } catch {
    read = 'reading it threw';
  }
  if (typeof read === 'string') return { ok: false, error: malformed(provider, locator, read) };
  return { ok: true, payload: Object.freeze(read) };
}

/** The payload's copy, or what is wrong with it (by field name and type only). */
function copyPayload(value: unknown): SecretPayload | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `the payload is ${typeName(value)}`;
  }
  const source = value as Record<string, unknown>;
  const payload: SecretPayload = {};
  for (const field of ['secretString', 'arn', 'name', 'versionId'] as const) {
    const text = source[field];
    if (typeof text === 'string') payload[field] = text;
    else if (text !== undefined) return `\`${field}\` is ${typeName(text)}, not a string`;
  }
  const binary = source.secretBinary;
  if (binary instanceof Uint8Array) payload.secretBinary = new Uint8Array(binary);
  else if (binary !== undefined) return `\`secretBinary\` is ${typeName(binary)}, not a Uint8Array`;
  if (payload.secretString === undefined && payload.secretBinary === undefined) {
    return 'it has neither `secretString` nor `secretBinary`';
  }
  // Checked, not kept: nothing reads a cached version's stages, and they cost ~100 bytes an entry.
  const stages = source.versionStages;
  if (
    stages !== undefined &&
    (!Array.isArray(stages) || !stages.every((stage) => typeof stage === 'string'))
  ) {
    return '`versionStages` is not an array of strings';
  }
  return payload;
}

/**
 * Checks one result of `fetchMany`: `{ ok: true, payload }` or `{ ok: false, error }`; anything else (a missing
 * result, `null`, a result without `ok`) is a `provider_error` for that locator.
 */
export function checkFetchResult(
  result: unknown,
  provider: SecretProvider,
  locator: SecretLocator,
): FetchResult {
  // The provider's result is not trusted: a custom provider may resolve with anything, getters and proxies included.
  try {
    if (result === null || typeof result !== 'object') {
      return {
        ok: false,
        error: malformed(provider, locator, `\`fetchMany\` gave ${typeName(result)} as its result`),
      };
    }
    const { ok } = result as { ok?: unknown };
    if (ok === true) return checkPayload((result as { payload?: unknown }).payload, provider, locator);
    if (ok === false) {
      return { ok: false, error: asSecretRefError((result as { error?: unknown }).error, provider, locator) };
    }
    return { ok: false, error: malformed(provider, locator, 'its `fetchMany` result has no boolean `ok`') };
  } catch {
    return { ok: false, error: malformed(provider, locator, 'reading its `fetchMany` result threw') };
  }
}

/**
 * What a provider's `testConnection` resolved with, when it has the contract's shape (`ok` a boolean; a failure
 * with a string `code` and `message`); anything else is a failed test with code `provider_error`.
 */
export function checkTestResult(
  value: unknown,
  provider: SecretProvider,
  started: number,
): TestConnectionResult {
  // The provider's answer is not trusted: reading `ok`, `code` or `message` may throw (a getter, a proxy).
  try {
    const result = value as Partial<Record<string, unknown>> | null;
    if (result !== null && typeof result === 'object') {
      if (result.ok === true) return value as TestConnectionResult;
      if (result.ok === false && typeof result.code === 'string' && typeof result.message === 'string') {
        return value as TestConnectionResult;
      }
    }
  } catch {}
  return {
    ok: false,
    code: 'provider_error',
    message: `The ${provider.kind} provider answered the connection test with something that is not a result`,
    latencyMs: Date.now() - started,
  };
}

/**
 * The provider's listing, checked as it is read: a listing that is not async-iterable, or an entry without a
 * string `name`, ends the iteration with a `provider_error` (never an untyped crash in the caller's loop).
 */
export function checkedListing(listing: unknown, provider: SecretProvider): AsyncIterable<SecretSummary> {
  const failure = (what: string) =>
    new SecretFetchError('provider_error', `The ${provider.kind} provider listed secrets wrongly: ${what}`, {
      transient: false,
    });
  return {
    async *[Symbol.asyncIterator]() {
      let iterable: boolean;
      try {
        // The provider's listing is not trusted: a Proxy's `has` trap may throw.
        iterable = listing !== null && typeof listing === 'object' && Symbol.asyncIterator in listing;
      } catch {
        throw failure('its listing cannot be read');
      }
      if (!iterable) throw failure('its listSecrets() did not return an async iterable');
      for await (const entry of listing as AsyncIterable<unknown>) {
        let name: unknown;
        // An entry is the provider's: its `name` may be a getter that throws.
        try {
          name = (entry as { name?: unknown } | null)?.name;
        } catch {
          name = undefined;
        }
        if (typeof name !== 'string') throw failure(`an entry has ${typeName(name)} as its name`);
        yield entry as SecretSummary;
      }
    },
  };
}
