import { SecretRefAbortError } from './errors.js';

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
 * Settles like `promise`, or rejects with {@link abortError} as soon as `signal` fires, even when the work behind
 * `promise` ignores the signal (its later rejection is then handled, never reported as unhandled).
 * @internal
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
