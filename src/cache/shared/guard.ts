/**
 * Keeps Redis from making a read fail or wait long: every operation is bounded by `operationTimeoutMs`, and after a
 * failure Redis is skipped (operations answer at once) while a background probe checks, with a growing interval,
 * whether it answers again. A skipped or failed operation rejects with {@link TierUnavailable}; the caller turns it
 * into a miss.
 */
export interface Guard {
  /** Runs `operation` within the time bound, or rejects at once while Redis is being skipped. */
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** True while Redis is skipped after a failure. */
  readonly skipping: boolean;
  /** Stops the probe. */
  close(): void;
}

/** Why a Redis operation gave no answer; its message names no key and no value. */
export class TierUnavailable extends Error {
  override name = 'TierUnavailable';
}

/** What the guard needs to know and to do. */
export interface GuardOptions {
  operationTimeoutMs: number;
  /** First pause after a failure; it doubles on each failed probe up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** True when the client can send now; when false an operation fails at once (no queueing behind a reconnect). */
  ready(): boolean;
  /** A cheap round trip (PING) used by the probe. */
  probe(): Promise<unknown>;
  /** Told of every failure (first of a series) and recovery: the one hook for later events. */
  onProblem(kind: 'unavailable' | 'recovered', cause?: unknown): void;
  /** Called once Redis answers again after being skipped (to replay what could not be sent). */
  onRecovered(): void;
}

/**
 * Creates the guard.
 * @example
 *   const reply = await guard.run(() => connection.command(['PING'])).catch(() => undefined);
 */
export function createGuard(options: GuardOptions): Guard {
  let skipping = false;
  let backoff = options.backoffMs;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const bounded = <T>(operation: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new TierUnavailable(`Redis did not answer within ${options.operationTimeoutMs} ms`)),
        options.operationTimeoutMs,
      );
      let pending: Promise<T>;
      try {
        pending = operation();
      } catch (error) {
        pending = Promise.reject(error);
      }
      Promise.resolve(pending).then(
        (value) => {
          clearTimeout(deadline);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          reject(error);
        },
      );
    });

  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        if (closed) return;
        // Sent even when the client is not ready: a lazily connecting client connects on it.
        bounded(options.probe).then(
          () => {
            skipping = false;
            backoff = options.backoffMs;
            options.onProblem('recovered');
            options.onRecovered();
          },
          () => {
            backoff = Math.min(backoff * 2, options.maxBackoffMs);
            schedule();
          },
        );
      },
      backoff * (0.75 + Math.random() * 0.5),
    );
    timer.unref();
  };

  const fail = (cause: unknown): void => {
    if (skipping || closed) return;
    skipping = true;
    options.onProblem('unavailable', cause);
    schedule();
  };

  return {
    get skipping() {
      return skipping;
    },
    run(operation) {
      if (skipping || closed)
        return Promise.reject(new TierUnavailable('Redis is being skipped after a failure'));
      if (!options.ready()) {
        const error = new TierUnavailable('the Redis client is not ready');
        fail(error);
        return Promise.reject(error);
      }
      const result = bounded(operation);
      result.catch(fail);
      return result;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
