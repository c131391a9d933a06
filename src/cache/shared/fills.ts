/**
 * Readers waiting on another process's lease, woken when the holder's `filled` message (src/cache/shared/bus.ts) arrives on the
 * bus, so that a cold fleet gets the value as soon as it is in Redis rather than at its next poll.
 */
export interface Fills {
  /**
   * Resolves when every one of `names` is filled, shortly after the first is (a batch's commits arrive together),
   * after `ms`, or when `signal` fires; never rejects.
   */
  waitFor(names: readonly string[], ms: number, signal: AbortSignal | undefined): Promise<void>;
  /** Wakes the readers waiting on `name`. */
  filled(name: string): void;
}

/** After the first fill, how long a reader waits for the rest of a batch before it looks. */
const GRACE_MS = 2;

/**
 * Creates the waiting room of one tier.
 * @example
 *   const fills = createFills();
 *   await fills.waitFor([entryName], 20, signal); // or sooner: fills.filled(entryName)
 */
export function createFills(): Fills {
  const waiting = new Map<string, Set<(name: string) => void>>();
  return {
    waitFor(names, ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const left = new Set(names);
        let grace: NodeJS.Timeout | undefined;
        const done = (): void => {
          clearTimeout(timer);
          clearTimeout(grace);
          signal?.removeEventListener('abort', done);
          for (const name of names) {
            const wakers = waiting.get(name);
            wakers?.delete(onFill);
            if (wakers?.size === 0) waiting.delete(name);
          }
          resolve();
        };
        const onFill = (name: string): void => {
          left.delete(name);
          if (left.size === 0) done();
          else grace ??= setTimeout(done, GRACE_MS);
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        for (const name of names) {
          const wakers = waiting.get(name) ?? new Set();
          wakers.add(onFill);
          waiting.set(name, wakers);
        }
      });
    },
    filled(name) {
      for (const wake of [...(waiting.get(name) ?? [])]) wake(name);
    },
  };
}
