import { SecretRefAbortError, SecretRefConfigError } from './errors.js';

/**
 * The error an aborted call rejects with: named `AbortError`, code `aborted`, the signal's reason as `cause`
 * (or the reason itself when it already is one).
 * @internal
 */
export function abortError(signal: AbortSignal | undefined): SecretRefAbortError {
  const reason: unknown = signal?.reason;
  return reason instanceof SecretRefAbortError
    ? reason
    : new SecretRefAbortError('The operation was aborted', { cause: reason });
}

/**
 * Throws {@link abortError} when `signal` has fired.
 * @internal
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Checks the options object of a call and returns its `signal`: `undefined` options or signal are fine; options
 * that are not an object, or a `signal` that is not an `AbortSignal` (a look-alike would later crash the
 * listener bookkeeping), throw a `SecretRefConfigError` naming `options` or `signal`.
 * @internal
 */
export function readSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  checkOptionsObject(options);
  const { signal } = options as { signal?: unknown };
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new SecretRefConfigError('signal', '`signal` must be an AbortSignal');
  }
  return signal;
}

/** Throws a `SecretRefConfigError` naming `options` when `options` is not an object. @internal */
export function checkOptionsObject(options: unknown): asserts options is object {
  if (options === null || typeof options !== 'object') {
    throw new SecretRefConfigError('options', '`options` must be an object');
  }
}

/** A boolean option (`refresh`, `keepJsonTypes`): `false` when absent, a `SecretRefConfigError` when not a boolean. @internal */
export function readFlag(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new SecretRefConfigError(option, `\`${option}\` must be a boolean`);
  return value;
}

/**
 * Settles like `promise`, or rejects with {@link abortError} as soon as `signal` fires, even when the work behind
 * `promise` ignores the signal (its later rejection is then handled, never reported as unhandled). `onAbort`
 * runs once when the signal wins, so the caller can release what it holds. One listener is added to `signal`,
 * whatever `promise` stands for.
 * @internal
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    release(onAbort);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const aborted = (): void => {
      if (settled) return;
      settled = true;
      release(onAbort);
      reject(abortError(signal));
    };
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      try {
        signal.removeEventListener('abort', aborted);
      } catch {
        // The signal is the caller's: a look-alike that fails to remove a listener must not keep the call open.
      }
      return true;
    };
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

function release(onAbort: (() => void) | undefined): void {
  try {
    onAbort?.();
  } catch {}
}
