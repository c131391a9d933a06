/**
 * Readers waiting on another process's lease, woken when the holder's `filled` message (src/cache/shared/bus.ts) arrives on the
 * bus, so that a cold fleet gets the value as soon as it is in Redis rather than at its next poll.
 */
export interface Fills {
  /**
   * Resolves with those of `names` that were filled, each with the entry's text when its message carried it: when
   * every one is, shortly after the first is (a batch's commits arrive together), after `ms` (maybe none), or when
   * `signal` fires; never rejects.
   */
  waitFor(names: readonly string[], ms: number, signal: AbortSignal | undefined): Promise<Filled>;
  /** Wakes the readers waiting on `name`, with the entry's text when its message carried it. */
  filled(name: string, text: string | undefined): void;
}

/** Entry names filled while a reader waited, each with the entry's text when the message carried it. */
export type Filled = ReadonlyMap<string, string | undefined>;

/** After the first fill, how long a reader waits for the rest of a batch before it looks. */
const GRACE_MS = 2;

/**
 * Creates the waiting room of one tier.
 * @example
 *   const fills = createFills();
 *   const filled = await fills.waitFor([entryName], 20, signal); // or sooner: fills.filled(entryName, undefined)
 */
export function createFills(): Fills {
  const waiting = new Map<string, Set<(name: string, text: string | undefined) => void>>();
  return {
    waitFor(names, ms, signal) {
      return new Promise((resolve) => {
        const filled = new Map<string, string | undefined>();
        if (signal?.aborted) return resolve(filled);
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
          resolve(filled);
        };
        const onFill = (name: string, text: string | undefined): void => {
          filled.set(name, text);
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
    filled(name, text) {
      for (const wake of [...(waiting.get(name) ?? [])]) wake(name, text);
    },
  };
}
