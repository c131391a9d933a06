import { SecretRefAbortError } from '../errors.js';

/**
 * Throws a {@link SecretRefAbortError} when `signal` is already aborted.
 * @internal
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Settles like `promise`, or rejects with a {@link SecretRefAbortError} as soon as `signal` aborts, even when the
 * work behind `promise` ignores the signal.
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

function abortError(signal: AbortSignal): SecretRefAbortError {
  return new SecretRefAbortError('Resolving secret references was aborted', { cause: signal.reason });
}
