import pTimeout from 'p-timeout';

/** p-timeout's timers, the timer unref'd: a promise that never settles does not keep the process alive. */
const UNREF_TIMERS = {
  setTimeout: ((run: () => void, ms: number) => setTimeout(run, ms).unref()) as typeof setTimeout,
  clearTimeout: ((timer) => clearTimeout(timer)) as typeof clearTimeout,
};

/**
 * `promise`, or a rejection with `error` when it has not settled within `milliseconds`: the bound the library puts
 * on a promise it does not trust to settle (a user's callback, a client's config). The timer is looked up at each
 * call, so test fake timers drive it.
 * @internal
 */
export function within<T>(promise: PromiseLike<T>, milliseconds: number, error: Error): Promise<T> {
  return pTimeout(Promise.resolve(promise), { milliseconds, message: error, customTimers: UNREF_TIMERS });
}
