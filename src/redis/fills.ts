/**
 * Readers waiting on another process's lease, woken when the holder's `filled` message (src/redis/bus.ts) arrives on the
 * bus, so that a cold fleet gets the value as soon as it is in Redis rather than at its next poll.
 */
export interface Fills {
  /**
   * Watches `names` until the watch is closed: a reader registers its entries once for all its waits (a batch's
   * entries come in many notices, and registering them again at each wait would cost a reader its whole batch each
   * time).
   */
  watch(names: readonly string[]): FillWatch;
  /** Wakes the readers watching `name`, with the entry's text when its message carried it. */
  filled(name: string, text: string | undefined): void;
  /**
   * An invalidation came on the bus: the texts of the fills received before it and not yet taken are forgotten (their
   * readers are still woken, and read Redis), so a value written before an invalidation is never taken after it.
   */
  invalidated(): void;
}

/** One reader's watch over its entries. */
export interface FillWatch {
  /**
   * Resolves with the watched names filled since the last call (some may have come while the reader was not
   * waiting), each with the entry's text when its message carried it: once every watched name has been filled,
   * shortly after the first is (a batch's commits arrive together), after `ms` (maybe none), or when `signal` fires;
   * never rejects.
   */
  next(ms: number, signal: AbortSignal | undefined): Promise<Filled>;
  /** Stops watching every name but `names` (a reader watches its whole batch until it knows what it waits for). */
  narrow(names: readonly string[]): void;
  /** Stops watching. */
  close(): void;
}

/** Entry names filled while a reader waited, each with the entry's text when the message carried it. */
export type Filled = ReadonlyMap<string, string | undefined>;

/** After the first fill, how long a reader waits for the rest of a batch before it looks. */
const GRACE_MS = 2;

/**
 * Creates the waiting room of one tier.
 * @example
 *   const watch = createFills().watch([entryName]);
 *   const filled = await watch.next(20, signal); // or sooner: fills.filled(entryName, undefined)
 *   watch.close();
 */
export function createFills(): Fills {
  const waiting = new Map<string, Set<(name: string, text: string | undefined) => void>>();
  // What each open watch received and its reader has not taken yet.
  const received = new Set<Map<string, string | undefined>>();
  return {
    watch(names) {
      let collected = new Map<string, string | undefined>();
      received.add(collected);
      // Names not filled yet: when none is left, a fill wakes the reader at once.
      const left = new Set(names);
      let wake: (() => void) | undefined;
      let grace: NodeJS.Timeout | undefined;
      const onFill = (name: string, text: string | undefined): void => {
        collected.set(name, text);
        left.delete(name);
        if (!wake) return;
        if (left.size === 0) wake();
        else grace ??= setTimeout(wake, GRACE_MS);
      };
      for (const name of left) {
        const wakers = waiting.get(name) ?? new Set();
        wakers.add(onFill);
        waiting.set(name, wakers);
      }
      const unwatch = (name: string): void => {
        const wakers = waiting.get(name);
        wakers?.delete(onFill);
        if (wakers?.size === 0) waiting.delete(name);
      };
      return {
        next(ms, signal) {
          return new Promise((resolve) => {
            let timer: NodeJS.Timeout | undefined;
            const done = (): void => {
              clearTimeout(timer);
              clearTimeout(grace);
              grace = undefined;
              wake = undefined;
              signal?.removeEventListener('abort', done);
              const filled = collected;
              received.delete(collected);
              collected = new Map();
              received.add(collected);
              resolve(filled);
            };
            if (signal?.aborted || (collected.size > 0 && left.size === 0)) return done();
            wake = done;
            timer = setTimeout(done, ms);
            signal?.addEventListener('abort', done, { once: true });
            if (collected.size > 0) grace = setTimeout(done, GRACE_MS);
          });
        },
        narrow(kept) {
          const keep = new Set(kept);
          for (const name of names) {
            if (keep.has(name)) continue;
            unwatch(name);
            left.delete(name);
            collected.delete(name);
          }
        },
        close() {
          wake?.();
          received.delete(collected);
          for (const name of names) unwatch(name);
        },
      };
    },
    filled(name, text) {
      for (const wake of [...(waiting.get(name) ?? [])]) wake(name, text);
    },
    invalidated() {
      for (const texts of received) for (const name of texts.keys()) texts.set(name, undefined);
    },
  };
}
