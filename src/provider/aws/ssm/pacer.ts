import QuickLRU from 'quick-lru';
import { abortError } from '../../../abort.js';

/**
 * Parameter Store's default quota is 40 transactions per second for an account and region, shared by
 * GetParameter, GetParameters and GetParametersByPath. A bucket of {@link BURST} tokens refilled at {@link RATE} a
 * second keeps any one-second window at or under BURST + RATE = 40 calls, while a small cold start goes at once.
 */
export const RATE = 30;
export const BURST = 10;

/** A token bucket: `take()` resolves when a call may go. */
interface Pacer {
  take(signal?: AbortSignal): Promise<void>;
}

/**
 * One bucket per account and region (the identity stands for the account: same credentials, same account), for the
 * 256 to 512 most recent; a bucket dropped only forgets its tokens (a fresh bucket starts full).
 */
const pacers = new QuickLRU<string, Pacer>({ maxSize: 256 });

/** The shared bucket of `key` (identity and region). */
export function pacerFor(key: string): Pacer {
  let pacer = pacers.get(key);
  if (pacer === undefined) {
    pacer = createPacer(RATE, BURST);
    pacers.set(key, pacer);
  }
  return pacer;
}

/** A token bucket of `burst` tokens refilled at `rate` a second; waiters are served in order. */
export function createPacer(
  rate: number,
  burst: number,
  now: () => number = performance.now.bind(performance),
): Pacer {
  let tokens = burst;
  let stamp = now();
  // The time the last reserved token becomes available: reservations queue behind it.
  let tail = 0;
  return {
    take(signal) {
      const at = now();
      tokens = Math.min(burst, tokens + ((at - stamp) * rate) / 1000);
      stamp = at;
      if (tokens >= 1 && tail <= at) {
        tokens -= 1;
        return Promise.resolve();
      }
      // Reserve the next token: it becomes available 1/rate after the previous reservation (or after now).
      tokens -= 1;
      const waitMs = Math.max(0, ((1 - (tokens + 1)) * 1000) / rate);
      tail = at + waitMs;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, waitMs);
        const onAbort = () => {
          clearTimeout(timer);
          // The token is handed back: the call it was for will not be made.
          tokens += 1;
          reject(abortError(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
