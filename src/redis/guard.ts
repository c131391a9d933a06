/**
 * Keeps Redis from making a read fail or wait long: every operation is bounded by `operationTimeoutMs`, and after a
 * failure Redis is skipped (operations answer at once) while a background probe checks, with a growing interval,
 * whether it answers again. A skipped or failed operation rejects with {@link TierUnavailable}; the caller turns it
 * into a miss.
 */
interface Guard {
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
interface GuardOptions {
  operationTimeoutMs: number;
  /** First pause after a failure; it doubles on each failed probe up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /**
   * True when the client can send now; when false an operation fails at once (no queueing behind a reconnect), and
   * one sent while it was true fails as soon as it turns false (checked every 20 ms).
   */
  ready(): boolean;
  /** A cheap round trip (PING) used by the probe. */
  probe(): Promise<unknown>;
  /** Told of every failure (first of a series) and recovery: the one hook for later events. */
  onProblem(kind: 'unavailable' | 'recovered', cause?: unknown): void;
  /** Called once Redis answers again after being skipped (to replay what could not be sent). */
  onRecovered(): void;
  /** What the client's other operations (every tier over it) tell of Redis: shared by the guards of one client. */
  answers?: ClientAnswers;
}

/**
 * When the client last had an answer from Redis, for every guard over it. An operation that waits its bound while
 * Redis keeps answering the commands sent before it on the client's connection (a burst of this process's own
 * reads: a thousand managers starting together over one client) is queued, not lost: it waits on, while answers keep
 * coming, up to {@link MAX_QUEUED_BOUNDS} bounds in all.
 */
export interface ClientAnswers {
  at: number;
}

/** The longest a queued operation waits, in bounds (`operationTimeoutMs`), stalls of the loop not counted. */
const MAX_QUEUED_BOUNDS = 4;

/**
 * How long this process's event loop was blocked, in total, while any Redis operation was pending: a timer that
 * should fire every {@link TICK_MS} and fires late measures it. An operation's bound counts only the time the
 * process could have heard Redis answer; otherwise a process busy with its own work (a thousand reads begun in one
 * tick) would blame Redis, skip it, and send its whole fleet to AWS at once.
 */
const TICK_MS = 20;
/** A tick later than this is a stall; less is timer jitter. */
const SLACK_MS = 10;
let stalledMs = 0;
let watching = 0;
/**
 * Run on each tick while operations are pending: an operation sent while its client was ready ends as soon as the
 * client is not (a crashed server: ioredis keeps the command for its reconnection, and node-redis may have queued
 * it behind one), rather than at its bound.
 */
const lostChecks = new Set<() => void>();
let ticker: NodeJS.Timeout | undefined;
let lastTick = 0;
const noop = (): void => {};

/**
 * Starts measuring the loop's stalls (see {@link stalledSoFar}) until the returned function is called.
 * @example
 *   const unwatch = watchStalls();
 *   const before = stalledSoFar();
 *   // … later: stalledSoFar() - before is how long the loop could not have heard Redis meanwhile
 *   unwatch();
 */
export function watchStalls(): () => void {
  if (watching++ === 0) {
    lastTick = Date.now();
    ticker = setInterval(() => {
      const now = Date.now();
      stalledMs += lateness(now);
      lastTick = now;
      for (const check of lostChecks) check();
    }, TICK_MS);
    ticker.unref();
  }
  return () => {
    if (--watching === 0) clearInterval(ticker);
  };
}

function lateness(now: number): number {
  const late = now - lastTick - TICK_MS;
  return late > SLACK_MS ? late : 0;
}

/** The loop's stalled time so far, including a stall in progress (the ticker has not yet run since it began). */
export function stalledSoFar(): number {
  return stalledMs + lateness(Date.now());
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

  const bounded = async <T>(operation: () => Promise<T>): Promise<T> => {
    const unwatch = watchStalls();
    let stalledAtStart = stalledSoFar();
    let stalledInAll = 0;
    let settled = false;
    const sentAt = Date.now();
    let deadline: NodeJS.Timeout | undefined;
    let lost: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      // The probe is sent to a client that is not ready yet (a lazy one connects on it): only a client that was
      // ready when the operation was sent can lose its connection under it.
      if (options.ready()) {
        lost = () => {
          if (!settled && !options.ready())
            reject(new TierUnavailable('the Redis client lost its connection'));
        };
        lostChecks.add(lost);
      }
      const expire = (): void => {
        // Replies that arrived while the loop was busy are read (poll phase) before this runs (check phase).
        setImmediate(() => {
          if (settled) return;
          const stalled = stalledSoFar() - stalledAtStart;
          if (stalled > 0) {
            stalledAtStart += stalled;
            stalledInAll += stalled;
            deadline = setTimeout(expire, stalled);
            return;
          }
          const now = Date.now();
          const answeredAt = options.answers?.at ?? 0;
          const latest = sentAt + stalledInAll + options.operationTimeoutMs * MAX_QUEUED_BOUNDS;
          if (answeredAt > sentAt && answeredAt + options.operationTimeoutMs > now && now < latest) {
            deadline = setTimeout(expire, Math.min(answeredAt + options.operationTimeoutMs, latest) - now);
            return;
          }
          reject(new TierUnavailable(`Redis did not answer within ${options.operationTimeoutMs} ms`));
        });
      };
      deadline = setTimeout(expire, options.operationTimeoutMs);
    });
    // Called now (a throw is a rejection); an answer, even one given up on, tells that Redis answers.
    const pending = new Promise<T>((resolve) => resolve(operation()));
    pending.then(() => {
      if (options.answers) options.answers.at = Date.now();
    }, noop);
    try {
      return await Promise.race([pending, expired]);
    } finally {
      settled = true;
      clearTimeout(deadline);
      if (lost) lostChecks.delete(lost);
      unwatch();
    }
  };

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
