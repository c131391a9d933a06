/** The first wait after a failed refresh, before jitter. */
const ERROR_BACKOFF_BASE_MS = 1_000;
/** The longest wait between two tries while refreshes keep failing. */
export const ERROR_BACKOFF_MAX_MS = 60_000;

/**
 * How long a stale value is served, without asking the backend, after the `failures`-th transient refresh failure
 * in a row: 1 s, 2 s, 4 s … up to a minute, each taken at random between half and all of it (so a fleet does not
 * retry in lock-step). The AWS caching libraries back off the same way after an error.
 */
export function errorBackoffMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(ERROR_BACKOFF_MAX_MS, ERROR_BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
